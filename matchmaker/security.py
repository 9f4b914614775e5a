"""Role checks for views: every route states who may reach it."""
from functools import wraps

from flask import abort
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
