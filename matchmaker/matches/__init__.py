from flask import Blueprint

bp = Blueprint("matches", __name__, url_prefix="/matches")

from . import views  # noqa: E402,F401  (registers the routes on bp)
