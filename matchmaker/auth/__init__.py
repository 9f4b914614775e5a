from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")

from . import session, views  # noqa: E402,F401  (user loader; registers the routes on bp)
