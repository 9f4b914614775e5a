"""Broker queue, the side-by-side match page and its actions; owners' introductions."""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from models import Achievement, MatchState, Need, REGIONS, Role

from . import bp
from ..errors import Conflict, ValidationError
from ..formtools import run_and_redirect, safe_next
from ..listings.tech_fields import field_choices
from ..params import id_arg, paginate
from ..security import STAFF, role_required
from .assignment import reassign_match_to, take_match
from .forms import AnswerForm, AssignForm, DealForm, ManualMatchForm, NoteForm, StateForm
from .matching import create_manual_match_by_ids, manual_match_candidates
from .queue import SCOPES, SORTS, QueueFilter, queue_query
from .owners import (ACCEPT, ALREADY_REQUESTED, answer_introduction, answer_of, count_open_owner_matches, intro_events,
                     own_side, owner_matches_query, request_introduction)
from .services import add_note, allowed_moves, change_state, get_match, record_deal


@bp.get("/")
@role_required(*STAFF)
def queue():
    """The broker queue, filtered and sorted from the query string."""
    f = QueueFilter.from_args(request.args, current_user)
    page = paginate(queue_query(current_user, f), current_app.config["PER_PAGE"])
    return render_template("matches/queue.html", page=page, f=f, scopes=SCOPES, sorts=SORTS,
                           intro=intro_events(m.id for m in page.items), answer_of=answer_of,
                           states=MatchState, fields=field_choices(), regions=REGIONS,
                           args={k: v for k, v in request.args.items() if k != "page"})


@bp.get("/<int:match_id>")
@role_required(*STAFF)
def detail(match_id: int):
    """The side-by-side match page with its actions."""
    match = get_match(match_id)
    from ..roadshows.forms import roadshow_form

    return render_template("matches/detail.html", match=match, moves=allowed_moves(current_user, match),
                           state_form=StateForm(), note_form=NoteForm(), deal_form=DealForm(),
                           assign_form=AssignForm(), roadshow_form=roadshow_form(current_user, match=match))


def back_to(match_id: int) -> str:
    """The match page, where every action returns."""
    return url_for("matches.detail", match_id=match_id)


@bp.post("/<int:match_id>/state")
@role_required(*STAFF)
def set_state(match_id: int):
    """Move the match to another state."""
    form, match = StateForm(), get_match(match_id)
    return run_and_redirect(lambda: change_state(match, form.to_state.data, current_user, form.reason.data,
                                                 form.note.data), "状态已更新", back_to(match_id))


@bp.post("/<int:match_id>/take")
@role_required(Role.BROKER)
def take(match_id: int):
    """A broker takes the match from the shared queue."""
    match = get_match(match_id)
    return run_and_redirect(lambda: take_match(match, current_user), "已认领该匹配", back_to(match_id))


@bp.post("/<int:match_id>/assign")
@role_required(Role.ADMIN)
def assign(match_id: int):
    """Admin: give the match to another broker or back to the shared queue."""
    match, broker_id = get_match(match_id), id_arg("broker_id", request.form) or None
    return run_and_redirect(lambda: reassign_match_to(match, broker_id, current_user), "已改派", back_to(match_id))


@bp.post("/<int:match_id>/notes")
@role_required(*STAFF)
def note(match_id: int):
    """Add a broker's note to the match."""
    form, match = NoteForm(), get_match(match_id)
    return run_and_redirect(lambda: add_note(match, current_user, form.body.data), "备注已保存", back_to(match_id))


@bp.post("/<int:match_id>/deal")
@role_required(*STAFF)
def deal(match_id: int):
    """Record the signed contract."""
    form, match = DealForm(), get_match(match_id)
    if not form.validate():
        flash("请完整填写合同类型、金额（万元）和签约日期", "error")
        return redirect(back_to(match_id))
    return run_and_redirect(lambda: record_deal(match, current_user, form.contract_type.data, form.amount.data,
                                                form.signed_on.data), "成交已记录", back_to(match_id))


@bp.route("/new", methods=["GET", "POST"])
@role_required(*STAFF)
def new():
    """Pair a need and an achievement by hand: pick one side, search the other, create."""
    form = ManualMatchForm()
    if form.validate_on_submit():
        try:
            match = create_manual_match_by_ids(form.need_id.data, form.achievement_id.data, current_user,
                                               form.reason.data or "")
        except (Conflict, ValidationError) as error:  # unknown ids stay a 404
            flash(error.message, "error")
            return redirect(request.referrer or url_for("matches.queue"))
        flash("匹配已创建，由您负责跟进", "success")
        return redirect(url_for("matches.detail", match_id=match.id))
    query = (request.args.get("q") or "").strip()[:200]
    side, candidates = manual_match_candidates(id_arg("need_id"), id_arg("achievement_id"), query)
    return render_template("matches/new.html", side=side, side_is_need=isinstance(side, Need),
                           candidates=candidates, form=form, query=query)


@bp.get("/mine")
@role_required(Role.RESEARCHER, Role.ENTERPRISE)
def mine():
    """Every match of the owner's published listings, open ones first, with the owner's actions."""
    page = paginate(owner_matches_query(current_user), current_app.config["PER_PAGE"])
    return render_template("matches/mine.html", page=page, intro=intro_events(m.id for m in page.items),
                           answer_of=answer_of, open_count=count_open_owner_matches(current_user),
                           researcher=own_side(current_user) is Achievement,
                           answer_form=AnswerForm())


def owner_action(action, success) -> object:
    """Run an owner's action and go back to /matches/mine; a bad input is flashed, 403/404/409 are error pages."""
    return run_and_redirect(action, success, safe_next(request.form.get("next")) or url_for("matches.mine"),
                            flashed=ValidationError)


@bp.post("/<int:match_id>/request")
@role_required(Role.ENTERPRISE)
def request_intro(match_id: int):
    """An enterprise asks the broker to introduce the matched achievement."""
    match = get_match(match_id)
    return owner_action(lambda: request_introduction(match, current_user),
                        lambda result: "已提交对接申请，技术经理人会尽快联系您" if result[1] else ALREADY_REQUESTED)


@bp.post("/<int:match_id>/answer")
@role_required(Role.RESEARCHER)
def answer_intro(match_id: int):
    """A researcher accepts an introduction or declines it for now."""
    form, match = AnswerForm(), get_match(match_id)
    return owner_action(lambda: answer_introduction(match, current_user, request.form.get("answer"),
                                                    form.reason.data),
                        lambda event: "已接受引荐，技术经理人将安排后续对接" if event.kind == ACCEPT
                        else "已答复暂不考虑")
