"""JSON endpoints for listings: search, read, and the engine's matches of one listing."""
from flask import current_app, jsonify, request
from flask_login import current_user

from . import bp
from ..listings import queries
from ..listings.kinds import get_kind
from ..listings.search import SearchParams, search_listings
from ..listings.serialize import listing_dict
from ..security import can_see_private, public

KIND_PATH = "<any(achievements, needs):kind_name>"


@bp.get(f"/{KIND_PATH}")
@public
def search(kind_name: str):
    """Search published listings (same parameters as the search page)."""
    kind = get_kind(kind_name)
    params = SearchParams.from_args(kind, request.args)
    result = search_listings(kind, params, current_app.config["PER_PAGE"])
    private = can_see_private(current_user)
    return jsonify(items=[listing_dict(x, private, result.hits.get(x.id)) for x in result.items],
                   total=result.total, page=result.page, pages=result.pages, sort=result.sort,
                   facets={name: [{"value": v, "label": label, "count": n} for v, label, n in values]
                           for name, values in result.facets.items()})


@bp.get(f"/{KIND_PATH}/<int:listing_id>")
@public
def read(kind_name: str, listing_id: int):
    """One listing the caller may see."""
    listing = queries.get_listing(get_kind(kind_name), listing_id, current_user)
    return jsonify(listing_dict(listing, can_see_private(current_user)))


@bp.get(f"/{KIND_PATH}/<int:listing_id>/related")
@public
def related(kind_name: str, listing_id: int):
    """The engine's best listings of the other kind for this one."""
    listing = queries.get_listing(get_kind(kind_name), listing_id, current_user)
    private = can_see_private(current_user)
    return jsonify(items=[listing_dict(other, private, hit) for other, hit in queries.related_listings(listing)])
