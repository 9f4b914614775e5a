from flask import Blueprint

bp = Blueprint("roadshows", __name__, url_prefix="/roadshows")

from . import views  # noqa: E402,F401  (registers the routes on bp)
