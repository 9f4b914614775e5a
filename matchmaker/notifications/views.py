"""The notification center, per-kind opt-outs and saved searches."""
from flask import current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from . import bp
from ..errors import DomainError
from ..listings.tech_fields import field_choices
from ..params import paginate
from ..security import signed_in
from .saved_searches import FILTER_KEYS, create_saved_search, delete_saved_search, saved_searches_of
from .services import KINDS, mark_all_read, mark_read, notifications_query, preference_for, set_preferences, \
    unread_count


@bp.get("/")
@signed_in
def index():
    page = paginate(notifications_query(current_user), current_app.config["PER_PAGE"])
    return render_template("notifications/index.html", page=page, unread=unread_count(current_user))


@bp.get("/unread-count")
@signed_in
def count():
    return jsonify(unread=unread_count(current_user))


@bp.post("/<int:notification_id>/read")
@signed_in
def read(notification_id: int):
    note = mark_read(current_user, notification_id)
    return redirect(note.link or url_for("notifications.index"))


@bp.post("/read-all")
@signed_in
def read_all():
    flash(f"已将 {mark_all_read(current_user)} 条通知标为已读", "success")
    return redirect(url_for("notifications.index"))


@bp.route("/preferences", methods=["GET", "POST"])
@signed_in
def preferences():
    if request.method == "POST":
        set_preferences(current_user, {kind: {"in_app": f"{kind}.in_app" in request.form,
                                              "email": f"{kind}.email" in request.form} for kind in KINDS})
        flash("通知设置已保存", "success")
        return redirect(url_for("notifications.preferences"))
    prefs = {kind: preference_for(current_user, kind) for kind in KINDS}
    return render_template("notifications/preferences.html", kinds=KINDS, prefs=prefs)


@bp.route("/saved-searches", methods=["GET", "POST"])
@signed_in
def saved_searches():
    if request.method == "POST":
        filters = {key: request.form.get(key) for key in FILTER_KEYS}
        try:
            _, created = create_saved_search(current_user, request.form.get("target", ""),
                                             request.form.get("query", ""), filters, request.form.get("name", ""))
            if created:
                flash("订阅已保存：有新的匹配内容发布时会通知您", "success")
            else:
                flash("已订阅过此搜索", "info")
        except DomainError as error:
            flash(error.message, "error")
        return redirect(url_for("notifications.saved_searches"))
    return render_template("notifications/saved_searches.html", searches=saved_searches_of(current_user),
                           fields=field_choices(), prefill=request.args)


@bp.post("/saved-searches/<int:search_id>/delete")
@signed_in
def delete_search(search_id: int):
    delete_saved_search(current_user, search_id)
    flash("订阅已删除", "success")
    return redirect(url_for("notifications.saved_searches"))
