from flask import Blueprint

bp = Blueprint("importer", __name__, url_prefix="/import")

from . import views  # noqa: E402,F401  (registers the routes on bp)
