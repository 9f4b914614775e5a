"""Routes of the needs blueprint."""
from . import bp  # noqa: F401
