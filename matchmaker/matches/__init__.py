from flask import Blueprint

from ..signals import listing_published
from .matching import on_listing_published

bp = Blueprint("matches", __name__, url_prefix="/matches")
listing_published.connect(on_listing_published)

from . import views  # noqa: E402,F401  (registers the routes on bp)
