"""`flask reindex` and `flask expire-needs`."""
import click
from flask.cli import with_appcontext

from ..search_index import reindex_all, resync_pending
from .services import expire_needs


@click.command("reindex")
@click.option("--pending", is_flag=True, help="Only repair listings marked for re-sync (fast).")
@with_appcontext
def reindex_command(pending: bool):
    """Rebuild both search indexes from the database (heals listings marked PENDING)."""
    if pending:
        click.echo(f"re-synced {resync_pending()} listings")
        return
    counts = reindex_all(progress=True)
    click.echo(", ".join(f"{name}: {n} indexed" for name, n in counts.items()))


@click.command("expire-needs")
@with_appcontext
def expire_needs_command():
    """Expire published needs past their deadline (they leave search); run daily."""
    needs = expire_needs()
    click.echo(f"expired {len(needs)} needs")
