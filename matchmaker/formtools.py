"""Helpers shared by views that show forms."""
import re
from urllib.parse import urlsplit

from flask import flash, redirect

from .errors import DomainError, ValidationError
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


def run_and_redirect(action, success, back: str, flashed=DomainError):
    """Run ``action()``; flash ``success`` (text, or a function of the result) or a ``flashed`` error; redirect.

    Other domain errors roll back and propagate to their error page (e.g. flashed=ValidationError
    keeps 403/404/409 as pages while a bad input is a message on the page the user comes back to).
    """
    try:
        result = action()
    except flashed as error:
        db.session.rollback()
        flash(error.message, "error")
    except DomainError:
        db.session.rollback()
        raise
    else:
        flash(success(result) if callable(success) else success, "success")
    return redirect(back)


# caps for free text kept in Text columns (String columns use their own size)
LONG_TEXT_MAX = 20000  # a listing's summary or problem description
NOTE_MAX = 5000  # notes, outcomes, indicators, team, conditions
# C0 controls and DEL except tab, newline and the carriage return browsers send with a newline
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value, field: str, label: str, max_len: int) -> str | None:
    """``value`` stripped (None when empty); a Chinese ValidationError for non-text, control characters
    such as NUL (PostgreSQL refuses them in text) or more than ``max_len`` characters."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError(f"{label}必须是文本", field=field)
    if CONTROL_RE.search(value):
        raise ValidationError(f"{label}包含不允许的控制字符（如空字节），请删除后重试", field=field)
    text = value.strip()
    if len(text) > max_len:
        raise ValidationError(f"{label}不超过 {max_len} 个字（现有 {len(text)} 个字）", field=field)
    return text or None
