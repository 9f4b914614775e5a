from flask import Blueprint

from ..signals import listing_published, listing_unpublished
from .matching import on_listing_published
from .services import on_listing_unpublished

bp = Blueprint("matches", __name__, url_prefix="/matches")
listing_published.connect(on_listing_published)
listing_unpublished.connect(on_listing_unpublished)

from . import views  # noqa: E402,F401  (registers the routes on bp)
