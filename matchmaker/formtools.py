"""Helpers shared by views that show forms."""
from urllib.parse import urlsplit

from flask import flash, redirect

from .errors import DomainError
from .extensions import db


def attach_error(form, error: DomainError) -> None:
    """Show a service's DomainError on the form field it names, or above the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None and hasattr(field, "errors"):
        field.errors = list(field.errors) + [error.message]
    else:
        form.form_errors.append(error.message)


def safe_next(target: str | None) -> str | None:
    """``target`` when it is a path on this site (no open redirects), else None."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target


def service_check(check):
    """Use a service's check (a function raising DomainError) as a WTForms validator."""
    from wtforms.validators import ValidationError as FieldError

    def validator(form, field):
        if field.data:
            try:
                check(field.data)
            except DomainError as error:
                raise FieldError(error.message)

    return validator


def run_and_redirect(action, success, back: str):
    """Run ``action()``; flash ``success`` (text, or a function of the result) or the DomainError; redirect."""
    try:
        result = action()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(success(result) if callable(success) else success, "success")
    return redirect(back)
