"""Role checks for views: every route states who may reach it."""
from functools import wraps

from flask import abort, current_app
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required

from models import Role

# Brokers and admins: who works matches and runs roadshows.
STAFF = (Role.BROKER, Role.ADMIN)


def role_required(*roles: Role | str):
    """Allow only logged-in users whose role is one of ``roles`` (403 otherwise)."""
    allowed = {str(r) for r in roles}

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role.value not in allowed:
                abort(403)
            return view(*args, **kwargs)

        wrapped.access = tuple(sorted(allowed))
        return wrapped

    return decorator


def can_see_private(user) -> bool:
    """Contact details are shown only to brokers and admins."""
    return bool(user and user.is_authenticated and user.has_role(*STAFF))


def public(view):
    """Mark a view as open to everyone, anonymous visitors included (states the rule, checks nothing)."""
    view.access = ("public",)
    return view


def signed_in(view):
    """Allow any logged-in user, whatever the role."""
    wrapped = login_required(view)
    wrapped.access = ("signed_in",)
    return wrapped


def _export_limit() -> str:
    return current_app.config["EXPORT_RATE_LIMIT"]


def _export_user_key() -> str:
    """Exports count per signed-in user (anonymous visitors: per address, as the second limit does)."""
    return f"export-user:{current_user.id}" if current_user.is_authenticated else "export-anon:" + get_remote_address()


def _export_address_key() -> str:
    return "export-address:" + get_remote_address()


def export_limited(view):
    """Rate-limit a file export (CSV, XLSX) per user and per address: exports are the costliest reads."""
    from .extensions import limiter

    access = getattr(view, "access", None)
    # shared scopes: one count over every export route, not one per route
    limited = limiter.shared_limit(_export_limit, scope="export-user", key_func=_export_user_key)(
        limiter.shared_limit(_export_limit, scope="export-address", key_func=_export_address_key)(view))
    if access is not None:
        limited.access = access
    return limited
