"""Routes of the matches blueprint."""
from . import bp  # noqa: F401
