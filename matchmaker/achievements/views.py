"""The achievements routes: the shared listing routes for this kind."""
from ..listings.kinds import ACHIEVEMENTS
from ..listings.views import register_listing_routes
from . import bp

register_listing_routes(bp, ACHIEVEMENTS)
