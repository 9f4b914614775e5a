"""Routes of the auth blueprint: login, logout, registration."""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user

from . import bp
from .forms import LoginForm, PasswordChangeForm, RegisterForm
from .services import warn_owner_of_guessing, authenticate, change_password, organization_directory, register_user
from ..errors import DomainError
from ..extensions import db, limiter
from ..formtools import attach_error, safe_next
from ..security import public, signed_in


def login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def login_email() -> str:
    return request.form.get("email", "").strip().lower()


def login_account_address_key() -> str:
    """Failed logins count per (account, address): guessing from one address cannot lock the owner out
    when signing in from another."""
    return f"login-account:{login_email()}|{get_remote_address()}"


def login_account_key() -> str:
    return "login-account:" + login_email()


def account_limit() -> str:
    return current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"]


def account_throttled(limit) -> None:
    """The slow per-account backstop tripped: tell the account's owner (once an hour at most)."""
    warn_owner_of_guessing(login_email())


def register_limit() -> str:
    return current_app.config["REGISTER_RATE_LIMIT"]


def failed_login(response) -> bool:
    """Only failed attempts count against the limit (a success redirects)."""
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"], deduct_when=failed_login)
@limiter.limit(login_limit, key_func=login_account_address_key, methods=["POST"], deduct_when=failed_login)
@limiter.limit(account_limit, key_func=login_account_key, methods=["POST"], deduct_when=failed_login,
               on_breach=account_throttled)
@public
def login():
    """Sign in with e-mail and password."""
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = authenticate(form.email.data, form.password.data)
        except DomainError as error:
            attach_error(form, error)
        else:
            login_user(user, remember=form.remember.data)
            flash(f"欢迎回来，{user.name}！", "success")
            return redirect(safe_next(request.args.get("next")) or url_for("main.dashboard"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@signed_in
def logout():
    """Sign out (POST only, so a link cannot log anyone out): the session token changes, so no cookie saved
    before (a copied session, a remember-me cookie, another device) signs anyone in again."""
    current_user.end_sessions()
    db.session.commit()
    logout_user()
    flash("您已安全退出，此前在各设备上的登录均已失效。", "info")
    return redirect(url_for("main.index"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(register_limit, methods=["POST"])  # every attempt counts: the form tells taken e-mails apart
@public
def register():
    """Self-registration for researchers and enterprise users."""
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = register_user(form.role.data, form.name.data, form.email.data, form.password.data,
                                 phone=form.phone.data, organization=form.organization.data,
                                 new_org=form.new_org())
        except DomainError as error:
            attach_error(form, error)
        else:
            login_user(user)
            flash("注册成功，欢迎加入技术供需对接平台！", "success")
            if user.membership_pending:
                flash(f"您加入「{user.organization.name}」的申请已提交，管理员确认后即可提交发布；"
                      "在此之前可先填写草稿。", "warning")
            elif not user.organization.verified:
                flash("您所在的机构尚待平台审核，审核通过前可先填写草稿。", "warning")
            return redirect(url_for("main.dashboard"))
    return render_template("auth/register.html", form=form, organizations=organization_directory())


@bp.route("/password", methods=["GET", "POST"])
@signed_in
def password():
    """Change one's own password."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            change_password(current_user, form.current.data, form.password.data)
        except DomainError as error:
            attach_error(form, error)
        else:
            # The session token changed: sign this browser in again under it (the other logins end),
            # re-issuing the remember-me cookie when this browser had one.
            remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
            login_user(current_user._get_current_object(), remember=remembered)
            flash("密码已修改。", "success")
            return redirect(url_for("main.dashboard"))
    return render_template("auth/password.html", form=form)
