"""Routes of the roadshows blueprint."""
from . import bp  # noqa: F401
