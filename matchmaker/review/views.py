"""The review queue: admins (and brokers for the fields they cover) approve, send back or reject."""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from models import Role

from . import bp
from ..errors import InvalidTransition, ValidationError
from ..listings import queries, services
from ..listings.forms import ReasonForm
from ..formtools import safe_next
from ..listings.kinds import KINDS, get_kind
from ..params import page_arg
from ..security import role_required

DECISIONS = {"approve": ("已审核通过并发布", services.approve_listing),
             "request_changes": ("已退回修改", services.request_changes),
             "reject": ("已驳回", services.reject_listing)}


def page_param(kind_name: str) -> str:
    """Each kind's list pages on its own: ?achievements_page=2&needs_page=1."""
    return f"{kind_name}_page"


@bp.route("/")
@role_required(Role.BROKER, Role.ADMIN)
def queue():
    """Pending listings this reviewer may decide on, one page of each kind."""
    per_page = current_app.config["PER_PAGE"]
    queues = {name: queries.review_queue(kind, current_user, page_arg({"page": request.args.get(page_param(name))}),
                                         per_page)
              for name, kind in KINDS.items()}
    pages = {page_param(name): queue.page for name, queue in queues.items() if queue.page > 1}
    return render_template("review/queue.html", queues=queues, kinds=KINDS, form=ReasonForm(), pages=pages,
                           page_param=page_param, here=url_for("review.queue", **pages))


@bp.route("/<any(achievements, needs):kind_name>/<int:listing_id>/<any(approve, request_changes, reject):decision>",
          methods=["POST"])
@role_required(Role.BROKER, Role.ADMIN)
def decide(kind_name: str, listing_id: int, decision: str):
    """Approve, send back or reject one pending listing; back to where the reviewer came from (the queue by default)."""
    kind = get_kind(kind_name)
    listing = queries.get_listing(kind, listing_id, current_user)
    form = ReasonForm()
    done, service = DECISIONS[decision]
    back = safe_next(request.form.get("next")) or url_for("review.queue")
    try:
        service(listing, current_user, form.reason.data)
    except (ValidationError, InvalidTransition) as error:
        flash(f"《{listing.title}》：{error.message}", "error")
        return redirect(f"{back}#review-actions-{kind.name}-{listing.id}")
    flash(f"《{listing.title}》{done}", "success")
    return redirect(back)
