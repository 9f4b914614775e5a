from flask import Blueprint

bp = Blueprint("stats", __name__, url_prefix="/stats")

from . import views  # noqa: E402,F401  (registers the routes on bp)
