"""Flask-Login wiring: how a session finds its user and what an anonymous visitor is told."""
import hmac
import time

from flask import current_app, flash, jsonify, redirect, request, url_for

from ..extensions import db, login_manager
from models import User

login_manager.login_view = "auth.login"
login_manager.login_message = "请先登录后再访问该页面。"
login_manager.login_message_category = "warning"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The active user whose "<id>:<session token>:<sign-in time>" the session or remember-me cookie holds, or None.

    An older format, a token since replaced (logout, password changed, account deactivated) or a sign-in
    older than REMEMBER_COOKIE_DURATION finds nobody, so such a cookie ends up on the login page.
    """
    ident, token, signed_in_at = ((user_id or "").split(":") + ["", "", ""])[:3]
    if not (ident.isascii() and ident.isdigit() and signed_in_at.isascii() and signed_in_at.isdigit() and token):
        return None
    max_age = current_app.config["REMEMBER_COOKIE_DURATION"]
    if time.time() - int(signed_in_at) > max_age.total_seconds():
        return None
    user = db.session.get(User, int(ident))
    if user is None or not user.active or not hmac.compare_digest(user.session_token.encode(), token.encode()):
        return None
    return user


@login_manager.unauthorized_handler
def unauthorized():
    """Anonymous visitors: a JSON 401 on the API, otherwise a redirect to the login page."""
    if request.path.startswith("/api/"):
        return jsonify(error="unauthorized", message="请先登录。"), 401
    flash(login_manager.login_message, login_manager.login_message_category)
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
