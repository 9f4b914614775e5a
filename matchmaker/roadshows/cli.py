"""`flask roadshow shortlist`: write the weekly shortlist to an XLSX or CSV file."""
import os

import click
from flask.cli import AppGroup

from .shortlist import AUDIENCES, export_shortlist, parse_iso_week

roadshow_cli = AppGroup("roadshow", help="Roadshows (路演) and the weekly shortlist.")


@roadshow_cli.command("shortlist")
@click.option("--week", required=True, help="ISO week, e.g. 2026-W47.")
@click.option("--field", "field_code", help="Only matches in this technical field (code).")
@click.option("--audience", type=click.Choice(AUDIENCES), default="public", show_default=True,
              help="broker adds both sides' contacts; public never does.")
@click.option("--limit", default=30, show_default=True)
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="FILE.xlsx or FILE.csv")
def shortlist_command(week: str, field_code: str | None, audience: str, limit: int, out: str) -> None:
    """Rank the week's best matches not yet presented and write them to --out."""
    try:
        parse_iso_week(week)
    except ValueError:
        raise click.BadParameter("use the ISO form YYYY-Www, e.g. 2026-W47", param_hint="--week")
    fmt = os.path.splitext(out)[1].lower().lstrip(".")
    if fmt not in ("xlsx", "csv"):
        raise click.BadParameter("the file must end in .xlsx or .csv", param_hint="--out")
    data, count = export_shortlist(week, fmt, audience, field_code, limit)
    with open(out, "wb") as fh:
        fh.write(data)
    click.echo(f"Shortlist {week} ({audience}): {count} matches written to {out}.")
