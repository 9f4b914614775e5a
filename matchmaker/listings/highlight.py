"""Safe highlighting: escape the text first, then wrap the matched terms in <mark>."""
import re

from markupsafe import Markup, escape


def highlight(text, terms) -> Markup:
    """``text`` escaped, with every occurrence of ``terms`` (longest first) wrapped in <mark>."""
    safe = str(escape(text or ""))
    words = sorted({str(escape(t)) for t in (terms or []) if t and str(t).strip()}, key=len, reverse=True)
    if not words:
        return Markup(safe)
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    # never split an entity such as &amp; produced by the escaping
    parts = re.split(r"(&[#\w]+;)", safe)
    out = [p if p.startswith("&") and p.endswith(";") else pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", p)
           for p in parts]
    return Markup("".join(out))


def query_terms(query: str) -> list[str]:
    """The whitespace-separated words of a keyword query."""
    return [w for w in re.split(r"\s+", query or "") if w]
