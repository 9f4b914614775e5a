"""`flask reindex` and `flask expire-needs`."""
import click
from flask.cli import with_appcontext

from .index import reindex_all, resync
from .services import expire_needs


@click.command("reindex")
@click.option("--pending", is_flag=True, help="Only repair listings marked for re-sync (fast).")
@with_appcontext
def reindex_command(pending: bool):
    """Rebuild both search indexes from the database (heals listings marked PENDING)."""
    if pending:
        repaired, failed = resync()
        if failed:  # cron reads the exit code: the rows stay PENDING for the next run
            click.echo(f"re-synced {repaired} listings, failed {failed}（索引写入失败，仍待同步，详见日志）", err=True)
            raise SystemExit(1)
        click.echo(f"re-synced {repaired} listings")
        return
    counts = reindex_all(progress=True)
    click.echo(", ".join(f"{name}: {n} indexed" for name, n in counts.items()))


@click.command("expire-needs")
@with_appcontext
def expire_needs_command():
    """Expire published needs past their deadline (they leave search); run daily."""
    needs = expire_needs()
    click.echo(f"expired {len(needs)} needs")
