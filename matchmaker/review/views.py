"""The review queue: admins (and brokers for the fields they cover) approve, send back or reject."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from models import Role

from . import bp
from ..errors import InvalidTransition, ValidationError
from ..listings import queries, services
from ..listings.forms import ReasonForm
from ..listings.kinds import KINDS, get_kind
from ..security import role_required

DECISIONS = {"approve": ("已审核通过并发布", services.approve_listing),
             "request_changes": ("已退回修改", services.request_changes),
             "reject": ("已驳回", services.reject_listing)}


@bp.route("/")
@role_required(Role.BROKER, Role.ADMIN)
def queue():
    """Pending listings this reviewer may decide on."""
    queues = {name: queries.review_queue(kind, current_user) for name, kind in KINDS.items()}
    return render_template("review/queue.html", queues=queues, kinds=KINDS, form=ReasonForm())


@bp.route("/<any(achievements, needs):kind_name>/<int:listing_id>/<any(approve, request_changes, reject):decision>",
          methods=["POST"])
@role_required(Role.BROKER, Role.ADMIN)
def decide(kind_name: str, listing_id: int, decision: str):
    """Approve, send back or reject one pending listing."""
    kind = get_kind(kind_name)
    listing = queries.get_listing(kind, listing_id, current_user)
    form = ReasonForm()
    done, service = DECISIONS[decision]
    try:
        service(listing, current_user, form.reason.data)
    except (ValidationError, InvalidTransition) as error:
        flash(error.message, "error")
        return redirect(url_for(f"{kind.name}.detail", listing_id=listing.id))
    flash(f"《{listing.title}》{done}", "success")
    if request.form.get("next") == "detail":
        return redirect(url_for(f"{kind.name}.detail", listing_id=listing.id))
    return redirect(url_for("review.queue"))
