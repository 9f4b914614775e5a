from flask import Blueprint

bp = Blueprint("main", __name__)

from . import context, errors, views  # noqa: E402,F401  (template globals, error pages, routes)
