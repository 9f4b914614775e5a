"""Roadshow pages: list and create events, run their programme, download the weekly shortlist."""
from datetime import date
import io

from flask import current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from models import Achievement, Roadshow, Role

from . import bp
from ..errors import DomainError, NotFound, ValidationError
from ..extensions import db
from ..listings.taxonomy import field_choices
from ..matches.services import get_match
from ..security import role_required
from .forms import PresentationForm, RoadshowForm, StatusForm
from .services import (add_item, create_roadshow, get_roadshow, move_item, record_presentation, remove_item,
                       set_roadshow_status)
from .shortlist import AUDIENCES, export_shortlist, iso_week, parse_iso_week, shortlist_matches

STAFF = (Role.BROKER, Role.ADMIN)
MIMETYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "csv": "text/csv; charset=utf-8"}


@bp.route("/", methods=["GET", "POST"])
@role_required(*STAFF)
def index():
    form = RoadshowForm()
    if form.validate_on_submit():
        try:
            roadshow = create_roadshow(current_user, form.title.data, form.starts_at.data, form.place.data,
                                       form.link.data, form.focus_field_code.data)
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash("路演已创建", "success")
            return redirect(url_for("roadshows.detail", roadshow_id=roadshow.id))
    roadshows = db.session.scalars(db.select(Roadshow).order_by(Roadshow.starts_at.desc())).all()
    return render_template("roadshows/index.html", roadshows=roadshows, form=form)


@bp.get("/<int:roadshow_id>")
@role_required(*STAFF)
def detail(roadshow_id: int):
    roadshow = get_roadshow(roadshow_id)
    return render_template("roadshows/detail.html", roadshow=roadshow,
                           status_form=StatusForm(status=roadshow.status.value))


def act(roadshow_id: int, action, success: str, back: str | None = None):
    """Run ``action()``; flash a domain error instead of failing; redirect to ``back`` or the roadshow."""
    try:
        action()
        flash(success, "success")
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    return redirect(back or url_for("roadshows.detail", roadshow_id=roadshow_id))


@bp.post("/items")
@role_required(*STAFF)
def add():
    """Add a match (from the match page) or an achievement (by id) to the chosen roadshow."""
    roadshow = get_roadshow(request.form.get("roadshow_id", type=int) or 0)
    match_id = request.form.get("match_id", type=int)
    achievement_id = request.form.get("achievement_id", type=int)
    match = get_match(match_id) if match_id else None
    achievement = db.session.get(Achievement, achievement_id) if achievement_id else None
    if achievement_id and achievement is None:
        raise NotFound("成果不存在")
    back = url_for("matches.detail", match_id=match.id) if match else None
    return act(roadshow.id, lambda: add_item(roadshow, current_user, match, achievement),
               f"已加入路演「{roadshow.title}」", back)


@bp.post("/<int:roadshow_id>/items/<int:item_id>/move")
@role_required(*STAFF)
def move(roadshow_id: int, item_id: int):
    offset = -1 if request.form.get("direction") == "up" else 1
    return act(roadshow_id, lambda: move_item(get_roadshow(roadshow_id), item_id, offset, current_user), "顺序已调整")


@bp.post("/<int:roadshow_id>/items/<int:item_id>/remove")
@role_required(*STAFF)
def remove(roadshow_id: int, item_id: int):
    return act(roadshow_id, lambda: remove_item(get_roadshow(roadshow_id), item_id, current_user), "已移出议程")


@bp.post("/<int:roadshow_id>/items/<int:item_id>/presentation")
@role_required(*STAFF)
def presentation(roadshow_id: int, item_id: int):
    form = PresentationForm()
    return act(roadshow_id, lambda: record_presentation(get_roadshow(roadshow_id), item_id, current_user,
                                                        form.presenter.data, form.outcome.data), "路演结果已记录")


@bp.post("/<int:roadshow_id>/status")
@role_required(*STAFF)
def status(roadshow_id: int):
    form = StatusForm()
    return act(roadshow_id, lambda: set_roadshow_status(get_roadshow(roadshow_id), form.status.data,
                                                        current_user), "路演状态已更新")


def shortlist_args() -> tuple[str, str | None, str]:
    """(week, field, audience) from the query string; the week defaults to the current one."""
    week = request.args.get("week") or iso_week(date.today())
    try:
        parse_iso_week(week)
    except ValueError:
        raise ValidationError("周次格式应为 YYYY-Www，例如 2026-W47", field="week") from None
    audience = request.args.get("audience", "public")
    return week, request.args.get("field") or None, audience if audience in AUDIENCES else "public"


@bp.get("/shortlist")
@role_required(*STAFF)
def shortlist():
    week, field, audience = shortlist_args()
    return render_template("roadshows/shortlist.html", week=week, field=field, audience=audience,
                           matches=shortlist_matches(week, field), fields=field_choices())


@bp.get("/shortlist/download")
@role_required(*STAFF)
def shortlist_download():
    week, field, audience = shortlist_args()
    fmt = request.args.get("format", "xlsx")
    if fmt not in MIMETYPES:
        raise ValidationError("格式只能是 xlsx 或 csv", field="format")
    data, count = export_shortlist(week, fmt, audience, field)
    current_app.logger.info("shortlist %s %s (%s) downloaded by %s: %d rows", week, fmt, audience,
                            current_user.id, count)
    name = f"roadshow-shortlist-{week}-{audience}.{fmt}"
    return send_file(io.BytesIO(data), mimetype=MIMETYPES[fmt], as_attachment=True, download_name=name)
