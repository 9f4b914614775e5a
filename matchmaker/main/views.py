"""Routes of the main blueprint: the public home page and the per-role dashboard."""
from flask import redirect, render_template, url_for
from flask_login import current_user

from . import bp
from .services import dashboard_for, platform_figures
from ..security import public, signed_in
from models import ListingStatus, Role


@bp.route("/")
@public
def index():
    """What the platform is, for everyone."""
    return render_template("main/index.html", figures=platform_figures())


@bp.route("/dashboard")
@signed_in
def dashboard():
    """The landing page of the signed-in user's role (admins land on the admin dashboard)."""
    if current_user.role == Role.ADMIN:
        return redirect(url_for("admin.index"))
    template = "main/dashboard_broker.html" if current_user.role == Role.BROKER else "main/dashboard_owner.html"
    return render_template(template, data=dashboard_for(current_user), ListingStatus=ListingStatus)
