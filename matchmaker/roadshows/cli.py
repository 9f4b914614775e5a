"""`flask roadshow shortlist`: write the weekly shortlist to an XLSX or CSV file."""
import os

import click
from flask.cli import AppGroup

from ..listings.tech_fields import resolve_field
from .shortlist import AUDIENCES, export_shortlist, normalize_week

roadshow_cli = AppGroup("roadshow", help="Roadshows (路演) and the weekly shortlist.")


@roadshow_cli.command("shortlist")
@click.option("--week", required=True, help="ISO week, e.g. 2026-W47.")
@click.option("--field", "field_code", help="Only matches in this technical field (code or name).")
@click.option("--audience", type=click.Choice(AUDIENCES), default="public", show_default=True,
              help="broker adds both sides' contacts; public never does.")
@click.option("--limit", default=30, show_default=True, type=click.IntRange(1, 1000))
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="FILE.xlsx or FILE.csv")
def shortlist_command(week: str, field_code: str | None, audience: str, limit: int, out: str) -> None:
    """Rank the week's best matches not yet presented and write them to --out."""
    try:
        week = normalize_week(week)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--week") from None
    if field_code is not None:
        code = resolve_field(field_code)
        if code is None:
            raise click.BadParameter(f"未知的技术领域：{field_code}", param_hint="--field")
        field_code = code
    fmt = os.path.splitext(out)[1].lower().lstrip(".")
    if fmt not in ("xlsx", "csv"):
        raise click.BadParameter("文件名须以 .xlsx 或 .csv 结尾", param_hint="--out")
    data, count = export_shortlist(week, fmt, audience, field_code, limit)
    try:
        with open(out, "wb") as fh:
            fh.write(data)
    except OSError as error:
        raise click.ClickException(f"无法写入 {out}：{error.strerror or error}") from None
    click.echo(f"Shortlist {week} ({audience}): {count} matches written to {out}.")
