from flask import Blueprint

bp = Blueprint("achievements", __name__, url_prefix="/achievements")

from . import views  # noqa: E402,F401  (registers the routes on bp)
