from flask import Blueprint

from ..signals import listing_reviewed
from .reviews import on_listing_reviewed

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
listing_reviewed.connect(on_listing_reviewed)


@bp.record_once
def start_scheduler(state) -> None:
    """With SCHEDULER_ENABLED, run the periodic jobs in this process (one process only)."""
    from ..jobs import start_background_scheduler

    start_background_scheduler(state.app)


from . import views  # noqa: E402,F401  (registers the routes on bp)
