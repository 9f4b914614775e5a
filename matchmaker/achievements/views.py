"""Routes of the achievements blueprint: the shared listing routes for 科技成果."""
from . import bp
from .forms import AchievementForm
from ..listings.kinds import ACHIEVEMENTS
from ..listings.views import register_listing_routes

register_listing_routes(bp, ACHIEVEMENTS, AchievementForm)
