"""Routes of the achievements blueprint."""
from . import bp  # noqa: F401
