"""Plain engine documents built from listing rows (the engine never sees a model)."""
from indexer import Document

from .kinds import kind_of
from .tech_fields import top_code


def listing_text(listing) -> dict[str, str]:
    """The title/body/keywords text of a listing, as indexed and as used for a matching query."""
    kind = kind_of(listing)
    body = [getattr(listing, name) for name in [kind.body.name] + kind.text_fields("body")]
    keywords = [term for name in ["keywords"] + kind.text_fields("keywords") for term in getattr(listing, name) or []]
    return {"title": listing.title or "", "body": "\n".join(p for p in body if p),
            "keywords": " ".join(keywords)}


def listing_filters(listing) -> dict:
    """Engine filters: field [top code, code], region, trl, coop [modes], budget (万元), challenge ("1")."""
    codes = [c for c in dict.fromkeys([top_code(listing.field_code), listing.field_code]) if c]
    own = kind_of(listing).filters(listing)  # trl, budget and challenge, as the kind declares them
    return {"field": codes, "region": listing.region, "trl": own["trl"], "coop": list(listing.coop_modes or []),
            "budget": float(own["budget"]) if own["budget"] is not None else None, "challenge": own["challenge"]}


def listing_document(listing) -> Document:
    """The engine document of one listing, keyed by its id."""
    return Document(id=str(listing.id), fields=listing_text(listing), filters=listing_filters(listing))


def query_text(listing) -> str:
    """One string to search the other side's index with."""
    text = listing_text(listing)
    return "\n".join([text["title"], text["keywords"], text["body"]])[:2000]
