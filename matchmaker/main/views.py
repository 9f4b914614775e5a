"""Routes of the main blueprint."""
from . import bp  # noqa: F401
