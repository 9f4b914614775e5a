"""Broker queue, the side-by-side match page and its actions; owners' introductions."""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from models import Achievement, MatchState, Need, REGIONS, Role, User

from . import bp
from ..errors import DomainError, NotFound
from ..extensions import db
from ..listings.taxonomy import field_choices
from ..security import role_required
from .assignment import reassign_match, take_match
from .forms import AssignForm, DealForm, ManualMatchForm, NoteForm, StateForm
from .matching import create_manual_match, search_other_side
from .queue import SCOPES, SORTS, QueueFilter, queue_query
from .services import add_note, allowed_moves, change_state, get_match, introductions_for, record_deal

STAFF = (Role.BROKER, Role.ADMIN)


@bp.get("/")
@role_required(*STAFF)
def queue():
    f = QueueFilter.from_args(request.args, current_user)
    page = db.paginate(queue_query(current_user, f), per_page=current_app.config["PER_PAGE"], error_out=False)
    return render_template("matches/queue.html", page=page, f=f, scopes=SCOPES, sorts=SORTS,
                           states=MatchState, fields=field_choices(), regions=REGIONS,
                           args={k: v for k, v in request.args.items() if k != "page"})


@bp.get("/<int:match_id>")
@role_required(*STAFF)
def detail(match_id: int):
    match = get_match(match_id)
    assign_form = AssignForm()
    assign_form.broker_id.choices = [(0, "（退回共享队列）")] + [
        (b.id, b.name) for b in db.session.scalars(db.select(User).filter_by(role=Role.BROKER, active=True))]
    from ..roadshows.forms import roadshow_form

    return render_template("matches/detail.html", match=match, moves=allowed_moves(current_user, match),
                           state_form=StateForm(), note_form=NoteForm(), deal_form=DealForm(),
                           assign_form=assign_form, roadshow_form=roadshow_form(match=match))


def act(match_id: int, action, success: str):
    """Run ``action(match)``; flash the domain error instead of failing; back to the match page."""
    match = get_match(match_id)
    try:
        action(match)
        flash(success, "success")
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    return redirect(url_for("matches.detail", match_id=match_id))


@bp.post("/<int:match_id>/state")
@role_required(*STAFF)
def set_state(match_id: int):
    form = StateForm()
    return act(match_id, lambda m: change_state(m, form.to_state.data, current_user, form.reason.data,
                                                form.note.data), "状态已更新")


@bp.post("/<int:match_id>/take")
@role_required(Role.BROKER)
def take(match_id: int):
    return act(match_id, lambda m: take_match(m, current_user), "已认领该匹配")


@bp.post("/<int:match_id>/assign")
@role_required(Role.ADMIN)
def assign(match_id: int):
    broker_id = request.form.get("broker_id", type=int) or None
    broker = db.session.get(User, broker_id) if broker_id else None
    return act(match_id, lambda m: reassign_match(m, broker, current_user), "已改派")


@bp.post("/<int:match_id>/notes")
@role_required(*STAFF)
def note(match_id: int):
    form = NoteForm()
    return act(match_id, lambda m: add_note(m, current_user, form.body.data), "备注已保存")


@bp.post("/<int:match_id>/deal")
@role_required(*STAFF)
def deal(match_id: int):
    form = DealForm()
    if not form.validate():
        flash("请完整填写合同类型、金额（万元）和签约日期", "error")
        return redirect(url_for("matches.detail", match_id=match_id))
    return act(match_id, lambda m: record_deal(m, current_user, form.contract_type.data, form.amount.data,
                                               form.signed_on.data), "成交已记录")


@bp.route("/new", methods=["GET", "POST"])
@role_required(*STAFF)
def new():
    """Pair a need and an achievement by hand: pick one side, search the other, create."""
    form = ManualMatchForm()
    if form.validate_on_submit():
        need, ach = db.session.get(Need, form.need_id.data), db.session.get(Achievement, form.achievement_id.data)
        if need is None or ach is None:
            raise NotFound("需求或成果不存在")
        try:
            match = create_manual_match(need, ach, current_user, form.reason.data or "")
        except DomainError as error:
            flash(error.message, "error")
            return redirect(request.referrer or url_for("matches.queue"))
        flash("匹配已创建，由您负责跟进", "success")
        return redirect(url_for("matches.detail", match_id=match.id))
    side = (db.session.get(Need, request.args.get("need_id", type=int) or 0)
            or db.session.get(Achievement, request.args.get("achievement_id", type=int) or 0))
    if side is None:
        raise NotFound("请从需求或成果页面发起手动匹配")
    query = (request.args.get("q") or "").strip()[:200]
    hits = search_other_side(side, 20, query or None)
    model = Achievement if isinstance(side, Need) else Need
    candidates = [(hit, db.session.get(model, int(hit.id))) for hit in hits]
    return render_template("matches/new.html", side=side, side_is_need=isinstance(side, Need),
                           candidates=[(h, c) for h, c in candidates if c is not None and c.is_published],
                           form=form, query=query)


@bp.get("/mine")
@role_required(Role.RESEARCHER, Role.ENTERPRISE)
def mine():
    return render_template("matches/mine.html", matches=introductions_for(current_user))
