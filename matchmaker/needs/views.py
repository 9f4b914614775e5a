"""The needs routes: the shared listing routes for this kind."""
from ..listings.kinds import NEEDS
from ..listings.views import register_listing_routes
from . import bp

register_listing_routes(bp, NEEDS)
