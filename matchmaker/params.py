"""Ids and page numbers read from URLs, query strings and forms, kept within what the database can hold."""
from flask import request
from werkzeug.routing import IntegerConverter

from .errors import ValidationError
from .extensions import db

MAX_ID = 2**63 - 1  # the largest BIGINT; a bigger id makes SQLite/PostgreSQL raise instead of finding nothing
MAX_PAGE = 10**6


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` that only matches ASCII-digit ids up to MAX_ID, so a larger one (or ``%D9%A3``, an
    Arabic-Indic 3 that Python's int() would read as 3) is a plain 404."""

    regex = r"[0-9]+"

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def _digits(value) -> str | None:
    """``value`` stripped when it is a non-empty run of ASCII digits, else None."""
    text = str(value).strip()
    return text if text.isascii() and text.isdigit() else None


def id_arg(name: str, source=None) -> int | None:
    """The id ``name`` in ``source`` (default: request.args); None when absent, ValidationError when not an id."""
    value = (request.args if source is None else source).get(name)
    if value is None or not str(value).strip():
        return None
    digits = _digits(value)
    if digits is None or len(digits.lstrip("0")) > len(str(MAX_ID)) or int(digits) > MAX_ID:
        raise ValidationError(f"参数 {name} 不是有效的编号。", field=name)
    return int(digits)


def page_arg(source=None) -> int:
    """The page number in ``source`` (default: request.args) clamped to 1..MAX_PAGE; anything else is 1."""
    digits = _digits((request.args if source is None else source).get("page", ""))
    if digits is None:
        return 1
    if len(digits.lstrip("0")) > len(str(MAX_PAGE)):  # int() refuses very long strings; clamp before it
        return MAX_PAGE
    return min(max(int(digits), 1), MAX_PAGE)


def paginate(query, per_page: int, page: int | None = None):
    """One page of ``query`` (page from the request by default); past the last page, the last page itself."""
    result = db.paginate(query, page=page_arg() if page is None else page, per_page=per_page, error_out=False)
    if result.page > max(result.pages, 1):  # a stale link or a typed number: show the end, not a false "empty"
        result = db.paginate(query, page=max(result.pages, 1), per_page=per_page, error_out=False)
    return result
