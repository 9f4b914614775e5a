"""`flask match`: run matching for one listing or all published ones."""
import click
from flask import current_app
from tqdm import tqdm

from models import Achievement, ListingStatus, Need

from ..extensions import db
from ..params import MAX_ID
from .matching import match_all, match_listing_by_id


@click.command("match")
@click.option("--all", "match_everything", is_flag=True, help="Match every published need and achievement.")
@click.option("--need", "need_id", type=click.IntRange(1, MAX_ID), help="Match one need by id.")
@click.option("--achievement", "achievement_id", type=click.IntRange(1, MAX_ID), help="Match one achievement by id.")
def match_command(match_everything: bool, need_id: int | None, achievement_id: int | None) -> None:
    """Store matches above MATCH_THRESHOLD (top MATCH_TOP_N per listing), never duplicating a pair."""
    if sum(bool(x) for x in (match_everything, need_id, achievement_id)) != 1:
        raise click.UsageError("give exactly one of --all, --need ID, --achievement ID")
    if need_id or achievement_id:
        kind, listing_id = ("needs", need_id) if need_id else ("achievements", achievement_id)
        if db.session.get(Need if need_id else Achievement, listing_id) is None:
            raise click.BadParameter(f"没有编号为 {listing_id} 的{'需求' if need_id else '成果'}",
                                     param_hint="--need" if need_id else "--achievement")
        created = match_listing_by_id(kind, listing_id)
        click.echo(f"{kind[:-1]} {listing_id}: {created} new matches.")
        return
    total = sum(db.session.scalar(db.select(db.func.count(m.id)).filter_by(status=ListingStatus.PUBLISHED))
                for m in (Need, Achievement))
    with tqdm(total=total, desc="matching", disable=current_app.testing) as bar:
        created = match_all(progress=bar.update)
    click.echo(f"Matched {total} published listings: {created} new matches.")
