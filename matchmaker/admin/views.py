"""Routes of the admin blueprint: dashboard, users, brokers, organization verification."""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from . import bp
from .forms import BrokerForm
from .services import (create_broker, decide_membership, organizations_page, pending_members, recent_audit,
                       service_organizations, set_organization_verified, set_user_active, top_fields, users_page)
from ..errors import DomainError
from ..formtools import attach_error, safe_next
from ..main.services import admin_dashboard
from ..params import page_arg
from ..security import role_required
from models import REGIONS, Role


def back(default_endpoint: str):
    """Return to the list the action was taken from."""
    return redirect(safe_next(request.form.get("next")) or url_for(default_endpoint))


def toggle(service, ident: int, flag: str, message, default_endpoint: str):
    """Set the yes/no ``flag`` posted by the list's action form with ``service``, flash ``message``, go back."""
    on = request.form.get(flag) == "1"
    obj = service(current_user, ident, on)
    flash(message(obj, on), "success")
    return back(default_endpoint)


@bp.route("/")
@role_required(Role.ADMIN)
def index():
    """The admin dashboard."""
    return render_template("admin/index.html", data=admin_dashboard(), audit=recent_audit(),
                           pending=len(pending_members()))


@bp.route("/users")
@role_required(Role.ADMIN)
def users():
    """All accounts, filterable by role."""
    role = request.args.get("role") or None
    page = users_page(role, page_arg(), current_app.config["PER_PAGE"])
    return render_template("admin/users.html", page=page, role=role, roles=Role, pending=pending_members())


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@role_required(Role.ADMIN)
def user_active(user_id: int):
    """Activate or deactivate an account."""
    return toggle(set_user_active, user_id, "active",
                  lambda user, on: f"已{'启用' if on else '停用'}账号 {user.email}。", "admin.users")


@bp.route("/users/<int:user_id>/membership", methods=["POST"])
@role_required(Role.ADMIN)
def user_membership(user_id: int):
    """Confirm or refuse a pending member of an organization."""
    return toggle(decide_membership, user_id, "confirm",
                  lambda user, on: f"已{'确认' if on else '拒绝'} {user.name}（{user.email}）加入「{user.organization.name}」。",
                  "admin.users")


@bp.route("/brokers/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new_broker():
    """Create a broker account with its coverage."""
    form = BrokerForm()
    form.set_choices(top_fields(), service_organizations())
    if form.validate_on_submit():
        try:
            broker = create_broker(current_user, form.name.data, form.email.data, form.password.data,
                                   phone=form.phone.data, organization_id=form.organization_id.data or None,
                                   field_codes=form.field_codes.data, regions=form.regions.data)
        except DomainError as error:
            attach_error(form, error)
        else:
            flash(f"已创建技术经理人 {broker.name}（{broker.email}）。", "success")
            return redirect(url_for("admin.users", role=Role.BROKER.value))
    return render_template("admin/broker_new.html", form=form, regions=REGIONS)


@bp.route("/organizations")
@role_required(Role.ADMIN)
def organizations():
    """Organizations, unverified first, with verify/unverify actions."""
    state, q = request.args.get("state") or None, request.args.get("q") or None
    page = organizations_page(state, q, page_arg(), current_app.config["PER_PAGE"])
    return render_template("admin/organizations.html", page=page, state=state, q=q)


@bp.route("/organizations/<int:org_id>/verify", methods=["POST"])
@role_required(Role.ADMIN)
def organization_verify(org_id: int):
    """Verify or unverify an organization."""
    return toggle(set_organization_verified, org_id, "verified",
                  lambda org, on: f"已{'通过' if on else '撤销'}机构认证：{org.name}。", "admin.organizations")
