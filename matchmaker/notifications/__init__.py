from flask import Blueprint

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


from . import views  # noqa: E402,F401  (registers the routes on bp)
