"""Plain engine documents built from listing rows (the engine never sees a model)."""
from indexer import Document

from .kinds import kind_of
from .taxonomy import top_code


def listing_text(listing) -> dict[str, str]:
    """The title/body/keywords text of a listing, as indexed and as used for a matching query."""
    if kind_of(listing).name == "achievements":
        body = [listing.summary, listing.innovation_points, listing.key_indicators]
        keywords = list(listing.keywords or []) + list(listing.industries or [])
    else:
        body = [listing.description, listing.indicators, listing.solver_conditions]
        keywords = list(listing.keywords or [])
    return {"title": listing.title or "", "body": "\n".join(p for p in body if p),
            "keywords": " ".join(keywords)}


def listing_filters(listing) -> dict:
    """Engine filters: field [top code, code], region, trl, coop [modes], budget (万元), challenge ("1")."""
    codes = [c for c in dict.fromkeys([top_code(listing.field_code), listing.field_code]) if c]
    challenge = None
    if kind_of(listing).name == "achievements":
        trl, budget = listing.trl, listing.price_amount
    else:
        trl, budget = None, listing.budget_max if listing.budget_max is not None else listing.budget_min
        challenge = "1" if listing.is_challenge else None  # 揭榜挂帅, the needs hall's 需求类型 facet
    return {"field": codes, "region": listing.region, "trl": trl, "coop": list(listing.coop_modes or []),
            "budget": float(budget) if budget is not None else None, "challenge": challenge}


def listing_document(listing) -> Document:
    """The engine document of one listing, keyed by its id."""
    return Document(id=str(listing.id), fields=listing_text(listing), filters=listing_filters(listing))


def query_text(listing) -> str:
    """One string to search the other side's index with."""
    text = listing_text(listing)
    return "\n".join([text["title"], text["keywords"], text["body"]])[:2000]
