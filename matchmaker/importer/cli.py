"""`flask import achievements|needs FILE`: bulk import from CSV or XLSX."""
import click
from flask.cli import with_appcontext

from ..errors import DomainError
from ..extensions import db
from ..listings.kinds import get_kind
from models import ImportJob, ImportState, Organization
from .services import PLATFORM_ORG, create_job, run_job_by_id

HELP = f"""Import {{label}} from FILE (.csv in UTF-8/UTF-8 with BOM/GBK, or .xlsx; row 1 is the header).

Every row is validated: bad rows are listed (row number, column, reason) and skipped, good rows
are staged in short transactions, published together in one short final step (an admin import
counts as reviewed), then indexed and matched. The import runs as a job like an upload does, in
the foreground; if it is killed, `flask worker` resumes it from the stored file.
Rows belong to the organization named by --org (it must exist), by default to the platform's
own "{PLATFORM_ORG}". Re-importing a file updates the rows it imported before (same 外部编号,
or same title within the organization) instead of duplicating them. Exit status 0 when the
file was read, 1 when it could not be read at all. The last line is `imported N, rejected M`.
"""


@click.group("import")
def import_group():
    """Bulk import achievements or needs (成果汇交)."""


def _command(kind_name: str, label: str):
    @import_group.command(kind_name, help=HELP.format(label=label))
    @click.argument("path", metavar="FILE", type=click.Path(dir_okay=False))
    @click.option("--org", "org_name", default=None, help="Organization that owns the imported rows.")
    @with_appcontext
    def command(path: str, org_name: str | None):
        org = None
        if org_name:
            org = db.session.scalar(db.select(Organization).filter_by(name=org_name))
            if org is None:
                raise click.BadParameter(f"没有名为“{org_name}”的机构", param_hint="--org")
        try:
            with open(path, "rb") as fh:
                raw = fh.read()
        except OSError as exc:
            click.echo(f"无法读取 {path}：无法读取文件：{exc.strerror or exc}", err=True)
            raise SystemExit(1)
        job = create_job(get_kind(kind_name).name, raw, path, org.id if org else None, None)
        try:
            report = run_job_by_id(job.id)
        except DomainError as exc:
            click.echo(f"导入失败：{exc.message}", err=True)
            raise SystemExit(1)
        job = db.session.get(ImportJob, job.id)
        if report is None or job.state == ImportState.FAILED:
            click.echo(f"无法读取 {path}：{job.message}", err=True)
            raise SystemExit(1)
        for error in report.errors:
            click.echo(str(error))
        click.echo(f"新增 {report.created} 条，更新 {report.updated} 条（其中 {report.to_review} 条内容有变、转入审核），"
                   f"未变化 {report.unchanged} 条")
        click.echo(report.summary())

    return command


import_achievements = _command("achievements", "achievements (科技成果)")
import_needs = _command("needs", "technical needs (技术需求)")
