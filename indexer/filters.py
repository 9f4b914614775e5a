"""Filter values by slot, turned into a boolean mask before retrieval so the top-k is cut after filtering."""
import math
from collections import defaultdict

import numpy as np

from .base import QueryError


def _values(value):
    """A filter value as a list of scalars."""
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple, set, frozenset)) else [value]


def _key(value):
    """Equality key: numbers and strings compare by their text (6 == "6")."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _number(value):
    """value as a float, or None."""
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


class FilterIndex:
    """Equality postings (field -> value -> slots) and numeric columns (field -> value by slot)."""

    def __init__(self):
        self.raw = []  # slot -> filters dict (None when deleted)
        self._eq = defaultdict(lambda: defaultdict(set))
        self._num = {}

    def add(self, slot, filters):
        """Record the filter values of slot."""
        filters = {str(k): v for k, v in (filters or {}).items() if v is not None}
        while len(self.raw) <= slot:
            self.raw.append(None)
        self.raw[slot] = filters
        for field, value in filters.items():
            for v in _values(value):
                self._eq[field][_key(v)].add(slot)
            numbers = [n for n in map(_number, _values(value)) if n is not None]
            if numbers:
                self._column(field)[slot] = numbers[0]

    def remove(self, slot):
        """Forget the filter values of slot."""
        filters = self.raw[slot] if slot < len(self.raw) else None
        if not filters:
            return
        for field, value in filters.items():
            for v in _values(value):
                self._eq[field][_key(v)].discard(slot)
            if field in self._num:
                self._num[field][slot] = np.nan
        self.raw[slot] = None

    def _column(self, field):
        """Numeric column for field, grown to cover every slot."""
        col = self._num.get(field)
        if col is None or len(col) < len(self.raw):
            grown = np.full(max(len(self.raw) * 2, 1024), np.nan, dtype=np.float64)
            if col is not None:
                grown[:len(col)] = col
            col = self._num[field] = grown
        return col

    def mask(self, filters, size):
        """Boolean mask over size slots of the docs matching every filter."""
        mask = np.ones(size, dtype=bool)
        if filters is None:
            return mask
        if not isinstance(filters, dict):
            raise QueryError("filters must be a mapping of field name to value(s) or {'min':..,'max':..}")
        for field, cond in filters.items():
            if isinstance(cond, dict):
                mask &= self._range(str(field), cond, size)
            else:
                wanted = _values(cond)
                if not wanted or any(isinstance(v, (dict, list, tuple, set)) for v in wanted):
                    raise QueryError(f"filter {field!r} needs a value, a list of values or a min/max range")
                hit = np.zeros(size, dtype=bool)
                postings = self._eq.get(str(field), {})
                for v in wanted:
                    slots = postings.get(_key(v))
                    if slots:
                        hit[np.fromiter(slots, dtype=np.int64, count=len(slots))] = True
                mask &= hit
        return mask

    def _range(self, field, cond, size):
        """Mask of slots whose numeric field lies in [min, max]."""
        unknown = set(cond) - {"min", "max"}
        bounds = {k: _number(v) for k, v in cond.items()}
        if unknown or not cond or any(v is None for v in bounds.values()):
            raise QueryError(f"range filter {field!r} takes numeric 'min' and/or 'max' only")
        col = self._num.get(field)
        if col is None:
            return np.zeros(size, dtype=bool)
        values = np.full(size, np.nan)
        n = min(size, len(col))
        values[:n] = col[:n]
        with np.errstate(invalid="ignore"):
            ok = ~np.isnan(values)
            if "min" in bounds:
                ok &= values >= bounds["min"]
            if "max" in bounds:
                ok &= values <= bounds["max"]
        return ok
