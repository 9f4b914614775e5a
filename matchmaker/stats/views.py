"""Routes of the stats blueprint."""
from . import bp  # noqa: F401
