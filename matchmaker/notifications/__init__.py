from flask import Blueprint

from ..signals import listing_reviewed
from .reviews import on_listing_reviewed

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
listing_reviewed.connect(on_listing_reviewed)


from . import views  # noqa: E402,F401  (registers the routes on bp)
