"""Flask-Login wiring: how a session finds its user and what an anonymous visitor is told."""
from flask import flash, jsonify, redirect, request, url_for

from ..extensions import db, login_manager
from models import User

login_manager.login_view = "auth.login"
login_manager.login_message = "请先登录后再访问该页面。"
login_manager.login_message_category = "warning"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Return the active user stored in the session, or None."""
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.active else None


@login_manager.unauthorized_handler
def unauthorized():
    """Anonymous visitors: a JSON 401 on the API, otherwise a redirect to the login page."""
    if request.path.startswith("/api/"):
        return jsonify(error="unauthorized", message="请先登录。"), 401
    flash(login_manager.login_message, login_manager.login_message_category)
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
