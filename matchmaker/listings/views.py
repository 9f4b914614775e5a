"""The routes both kinds share, registered once per blueprint (achievements, needs).

Each view parses input, calls one service or query, and renders or redirects.
"""
from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..exports import download, write_csv
from ..errors import DomainError, InvalidTransition, ValidationError
from ..security import can_see_private, export_limited, public, role_required, signed_in
from . import queries, services
from .access import can_edit, can_review
from .columns import export_columns, format_cell
from .forms import ReasonForm, form_data, listing_form
from .display import register_template_helpers
from .highlight import query_terms
from .kinds import ListingKind
from .search import SearchParams, search_listings

ACTIONS = {"submit": ("已提交审核", services.submit_listing),
           "withdraw": ("已撤回", services.withdraw_listing),
           "close": ("已关闭", services.close_listing)}


def register_listing_routes(bp, kind: ListingKind) -> None:
    """Add search, detail, create, edit, lifecycle actions, 'mine' and export routes to ``bp``."""
    register_template_helpers(bp)
    prefix = kind.name
    form_class = listing_form(kind)

    @bp.route("/")
    @public
    def index():
        """Search page: keyword search with facets, sorting and pages."""
        params = SearchParams.from_args(kind, request.args)
        result = search_listings(kind, params, current_app.config["PER_PAGE"])
        return render_template("listings/search.html", kind=kind, params=params, result=result,
                               terms=query_terms(params.q))

    @bp.route("/<int:listing_id>")
    @public
    def detail(listing_id: int):
        """One listing with its matches panel; contacts only for brokers and admins."""
        listing = queries.get_listing(kind, listing_id, current_user)
        return render_template("listings/detail.html", kind=kind, listing=listing,
                               related=queries.related_listings(listing),
                               show_private=can_see_private(current_user),
                               may_edit=can_edit(listing, current_user),
                               may_review=can_review(listing, current_user), reason_form=ReasonForm())

    @bp.route("/new", methods=["GET", "POST"])
    @role_required(kind.owner_role)
    def create():
        """New listing form; saved as a draft."""
        form = form_class()
        if form.is_submitted():
            try:
                listing = services.create_listing(kind, current_user, form.values())
            except DomainError as error:
                form.show_errors(error)
            else:
                flash(f"{kind.label}已保存为草稿，提交审核后才会公开", "success")
                return redirect(url_for(f"{prefix}.detail", listing_id=listing.id))
        return render_template("listings/form.html", kind=kind, form=form, listing=None), \
            422 if form.is_submitted() else 200

    @bp.route("/<int:listing_id>/edit", methods=["GET", "POST"])
    @signed_in
    def edit(listing_id: int):
        """Edit form; public changes to a published listing send it back to review."""
        listing = queries.get_listing(kind, listing_id, current_user)
        if not can_edit(listing, current_user):
            abort(403)  # the form would show the private contact fields
        form = form_class() if request.method == "POST" else \
            form_class(data=form_data(services.listing_values(listing), kind))
        if form.is_submitted():
            was_published = listing.is_published
            try:
                services.update_listing(listing, current_user, form.values())
            except (ValidationError, InvalidTransition) as error:
                form.show_errors(error)
            else:
                flash("已保存" + ("，公开内容有修改，已重新提交审核，审核通过前暂时下架"
                                  if was_published and not listing.is_published else ""), "success")
                return redirect(url_for(f"{prefix}.detail", listing_id=listing.id))
        return render_template("listings/form.html", kind=kind, form=form, listing=listing), \
            422 if form.is_submitted() else 200

    @bp.route("/<int:listing_id>/<any(submit, withdraw, close):action>", methods=["POST"])
    @signed_in
    def act(listing_id: int, action: str):
        """Owner actions: submit for review, withdraw, close."""
        listing = queries.get_listing(kind, listing_id, current_user)
        done, service = ACTIONS[action]
        try:
            service(listing, current_user)
        except (ValidationError, InvalidTransition) as error:
            flash(error.message, "error")
        else:
            flash(f"{kind.label}{done}", "success")
        return redirect(url_for(f"{prefix}.detail", listing_id=listing.id))

    @bp.route("/mine")
    @role_required(kind.owner_role)
    def mine():
        """The user's own listings with status, review reason and match count."""
        listings = queries.my_listings(kind, current_user)
        counts = queries.match_counts(kind, [x.id for x in listings])
        return render_template("listings/mine.html", kind=kind, listings=listings, counts=counts)

    @bp.route("/export.csv")
    @export_limited
    @public
    def export():
        """CSV of the current search; contact columns only for brokers and admins."""
        params = SearchParams.from_args(kind, request.args)
        result = search_listings(kind, params, per_page=current_app.config["EXPORT_LIMIT"])
        return csv_response(kind, result.items, can_see_private(current_user))


def csv_response(kind: ListingKind, listings, private: bool) -> Response:
    """A UTF-8 (with BOM, for Excel) CSV of listings; contact columns only when ``private``."""
    columns = export_columns(kind, private)
    rows = ([x.id, x.organization.name if x.organization else ""] + [format_cell(x, c.name) for c in columns]
            for x in listings)
    body = write_csv(["编号", "机构"] + [c.header for c in columns], rows)
    return download(body, f"{kind.name}.csv")
