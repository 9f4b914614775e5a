from flask import Blueprint

bp = Blueprint("needs", __name__, url_prefix="/needs")

from . import views  # noqa: E402,F401  (registers the routes on bp)
