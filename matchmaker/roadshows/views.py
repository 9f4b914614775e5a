"""Roadshow pages: list and create events, run their programme, download the weekly shortlist."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from models import Roadshow

from . import bp
from ..clock import platform_today
from ..errors import DomainError, ValidationError
from ..exports import MIMETYPES, download
from ..formtools import attach_error, run_and_redirect
from ..listings.tech_fields import field_choices
from ..params import id_arg
from ..security import STAFF, export_limited, role_required
from .forms import PresentationForm, RoadshowForm, StatusForm
from .services import (add_item_by_ids, all_roadshows, can_change_roadshow, check_roadshow_owner, create_roadshow,
                       get_roadshow, move_item, record_presentation, remove_item, set_roadshow_status)
from .shortlist import AUDIENCES, export_shortlist, iso_week, normalize_week, shortlist_matches


@bp.route("/", methods=["GET", "POST"])
@role_required(*STAFF)
def index():
    """List roadshows and create a new one."""
    form = RoadshowForm()
    if form.validate_on_submit():
        try:
            roadshow = create_roadshow(current_user, form.title.data, form.starts_at.data, form.place.data,
                                       form.link.data, form.focus_field_code.data)
        except DomainError as error:
            attach_error(form, error)
        else:
            flash("路演已创建", "success")
            return redirect(url_for("roadshows.detail", roadshow_id=roadshow.id))
    return render_template("roadshows/index.html", roadshows=all_roadshows(), form=form), \
        422 if form.is_submitted() else 200


@bp.get("/<int:roadshow_id>")
@role_required(*STAFF)
def detail(roadshow_id: int):
    """A roadshow's programme, results and status."""
    roadshow = get_roadshow(roadshow_id)
    return render_template("roadshows/detail.html", roadshow=roadshow,
                           editable=can_change_roadshow(roadshow, current_user),
                           status_form=StatusForm(status=roadshow.status.value))


def back_to(roadshow_id: int) -> str:
    """The roadshow page, where programme actions return."""
    return url_for("roadshows.detail", roadshow_id=roadshow_id)


def editable_roadshow(roadshow_id: int) -> Roadshow:
    """The roadshow, when the current user may change it; Forbidden (a 403 page, not a flash) otherwise."""
    roadshow = get_roadshow(roadshow_id)
    check_roadshow_owner(roadshow, current_user)
    return roadshow


@bp.post("/items")
@role_required(*STAFF)
def add():
    """Add a match (from the match page) or an achievement (by id) to the chosen roadshow."""
    roadshow_id = id_arg("roadshow_id", request.form) or 0
    match_id = id_arg("match_id", request.form)
    achievement_id = id_arg("achievement_id", request.form)
    roadshow = editable_roadshow(roadshow_id)
    back = url_for("matches.detail", match_id=match_id) if match_id else back_to(roadshow.id)
    return run_and_redirect(lambda: add_item_by_ids(roadshow.id, current_user, match_id, achievement_id),
                            lambda item: f"已加入路演「{item.roadshow.title}」", back)


@bp.post("/<int:roadshow_id>/items/<int:item_id>/move")
@role_required(*STAFF)
def move(roadshow_id: int, item_id: int):
    """Move a programme item up or down."""
    roadshow, offset = editable_roadshow(roadshow_id), -1 if request.form.get("direction") == "up" else 1
    return run_and_redirect(lambda: move_item(roadshow, item_id, offset, current_user), "顺序已调整",
                            back_to(roadshow_id))


@bp.post("/<int:roadshow_id>/items/<int:item_id>/remove")
@role_required(*STAFF)
def remove(roadshow_id: int, item_id: int):
    """Take an item off the programme."""
    roadshow = editable_roadshow(roadshow_id)
    return run_and_redirect(lambda: remove_item(roadshow, item_id, current_user), "已移出议程",
                            back_to(roadshow_id))


@bp.post("/<int:roadshow_id>/items/<int:item_id>/presentation")
@role_required(*STAFF)
def presentation(roadshow_id: int, item_id: int):
    """Record who presented an item and the outcome."""
    form, roadshow = PresentationForm(), editable_roadshow(roadshow_id)
    return run_and_redirect(lambda: record_presentation(roadshow, item_id, current_user, form.presenter.data,
                                                        form.outcome.data),
                            "路演结果已记录", back_to(roadshow_id))


@bp.post("/<int:roadshow_id>/status")
@role_required(*STAFF)
def status(roadshow_id: int):
    """Change the roadshow's status."""
    form, roadshow = StatusForm(), editable_roadshow(roadshow_id)
    return run_and_redirect(lambda: set_roadshow_status(roadshow, form.status.data, current_user),
                            "路演状态已更新", back_to(roadshow_id))


def shortlist_args() -> tuple[str, str | None, str]:
    """(week, field, audience) from the query string; the week defaults to the current one."""
    try:
        week = normalize_week(request.args.get("week") or iso_week(platform_today()))
    except ValueError as error:
        raise ValidationError(str(error), field="week") from None
    audience = request.args.get("audience", "public")
    return week, request.args.get("field") or None, audience if audience in AUDIENCES else "public"


@bp.get("/shortlist")
@role_required(*STAFF)
def shortlist():
    """The week's shortlist page."""
    week, field, audience = shortlist_args()
    return render_template("roadshows/shortlist.html", week=week, field=field, audience=audience,
                           matches=shortlist_matches(week, field), fields=field_choices())


@bp.get("/shortlist/download")
@export_limited
@role_required(*STAFF)
def shortlist_download():
    """Download the shortlist as XLSX or CSV."""
    week, field, audience = shortlist_args()
    fmt = request.args.get("format", "xlsx")
    if fmt not in MIMETYPES:
        raise ValidationError("格式只能是 xlsx 或 csv", field="format")
    data, count = export_shortlist(week, fmt, audience, field)
    current_app.logger.info("shortlist %s %s (%s) downloaded by %s: %d rows", week, fmt, audience,
                            current_user.id, count)
    name = f"roadshow-shortlist-{week}-{audience}.{fmt}"
    return download(data, name)
