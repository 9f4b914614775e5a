"""Flask-Login wiring: how a session finds its user and what an anonymous visitor is told."""
import hmac

from flask import flash, jsonify, redirect, request, url_for

from ..extensions import db, login_manager
from models import User

login_manager.login_view = "auth.login"
login_manager.login_message = "请先登录后再访问该页面。"
login_manager.login_message_category = "warning"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The active user whose "<id>:<session token>" the session or remember-me cookie holds, or None.

    A bare id (cookies issued before session tokens) or a token since replaced (password
    changed, account deactivated) finds nobody, so such a cookie ends up on the login page.
    """
    ident, _, token = (user_id or "").partition(":")
    if not ident.isdigit() or not token:
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
