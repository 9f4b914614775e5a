"""`flask` commands: each parses arguments, calls a service, prints a one-line summary."""
import click
from flask import Flask, current_app
from flask.cli import AppGroup
from tqdm import tqdm

from .demo import CORPUS_FILE, NEEDS_FILE, seed_demo
from .errors import DomainError
from .taxonomy_loader import load_taxonomy

taxonomy_cli = AppGroup("taxonomy", help="Technical-field taxonomy (技术领域分类).")


@taxonomy_cli.command("load")
@click.argument("path", required=False, type=click.Path(exists=True, dir_okay=False))
def load_taxonomy_command(path: str | None) -> None:
    """Load or replace the two-level field tree from PATH (default: TAXONOMY_FILE)."""
    path = path or current_app.config["TAXONOMY_FILE"]
    try:
        result = load_taxonomy(path)
    except DomainError as error:
        raise click.ClickException(error.message)
    changes = (f"{result.added} added, {result.updated} updated, {result.removed} removed"
               if result.changed else "unchanged")
    click.echo(f"Taxonomy {path}: {result.top} fields, {result.sub} sub-fields ({changes}).")


@click.command("seed-demo")
@click.option("--limit", default=600, show_default=True, type=click.IntRange(1, 5000),
              help="Achievements to draw from the CSL corpus.")
@click.option("--corpus", default=CORPUS_FILE, show_default=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--needs", default=NEEDS_FILE, show_default=True, type=click.Path(exists=True, dir_okay=False))
def seed_demo_command(limit: int, corpus: str, needs: str) -> None:
    """Seed the demo: organizations, accounts, achievements and needs (safe to run again)."""
    def progress(items, total):
        return tqdm(items, total=total, desc="achievements", unit="", leave=False,
                    disable=current_app.testing)

    try:
        result = seed_demo(corpus, needs, current_app.config["TAXONOMY_FILE"], limit=limit, progress=progress)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo("Demo logins:")
    for login in result.logins:
        click.echo(f"  {login.email:<40} {login.password:<15} {login.role.label}"
                   f"{'  ' + login.organization if login.organization else ''}")
    if result.created:
        click.echo(f"Seeded demo: {result.organizations} organizations, {result.users} users, "
                   f"{result.achievements} achievements, {result.needs} needs (index pending).")
    else:
        click.echo("Demo data already present: nothing changed.")


def register_cli(app: Flask) -> None:
    """Attach every command to ``app.cli``."""
    from .auth.commands import create_admin_command
    from .jobs import worker_command
    from .matches.cli import match_command
    from .notifications.cli import send_mail_command
    from .roadshows.cli import roadshow_cli

    for command in (create_admin_command, taxonomy_cli, seed_demo_command, match_command, roadshow_cli,
                    send_mail_command, worker_command):
        app.cli.add_command(command)
    from .importer.cli import import_group
    from .listings.cli import expire_needs_command, reindex_command

    for command in (import_group, reindex_command, expire_needs_command):
        app.cli.add_command(command)
