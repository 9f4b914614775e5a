"""Routes of the needs blueprint: the shared listing routes for 技术需求."""
from . import bp
from .forms import NeedForm
from ..listings.kinds import NEEDS
from ..listings.views import register_listing_routes

register_listing_routes(bp, NEEDS, NeedForm)
