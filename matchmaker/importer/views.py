"""Admin upload page for bulk import, the progress page of an import job, and the template download."""
from flask import Response, abort, redirect, render_template, url_for
from flask_login import current_user

from models import ImportJob, ImportRowError, Role

from . import bp
from .forms import ImportForm
from .reader import UnreadableFile
from .services import create_job, quick_check, start_job
from .template import build_template
from ..exports import download, write_csv
from ..extensions import db
from ..listings.kinds import KINDS, get_kind
from ..security import role_required

ERRORS_SHOWN = 200  # rows of the per-row report on the page; the CSV download has them all
JOBS_SHOWN = 20


@bp.route("/", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def upload():
    """Upload a CSV/XLSX file: quick checks here, the rows are read by a background job."""
    form = ImportForm()
    problem = None
    if form.validate_on_submit():
        raw, filename = form.file.data.read(), form.file.data.filename
        try:
            quick_check(form.kind.data, raw, filename)
        except UnreadableFile as error:
            problem = error.message
        else:
            job = create_job(form.kind.data, raw, filename, form.org_id.data, current_user)
            start_job(job)
            return redirect(url_for(".job", job_id=job.id))
    jobs = db.session.scalars(db.select(ImportJob).order_by(ImportJob.id.desc()).limit(JOBS_SHOWN)).all()
    return render_template("import/upload.html", form=form, problem=problem, kinds=KINDS, jobs=jobs), \
        400 if problem else 200


def _job_or_404(job_id: int) -> ImportJob:
    job = db.session.get(ImportJob, job_id)
    if job is None:
        abort(404)
    return job


@bp.route("/jobs/<int:job_id>")
@role_required(Role.ADMIN)
def job(job_id: int):
    """The progress of an import job (the page refreshes itself while it runs) and its first row errors."""
    job = _job_or_404(job_id)
    errors = db.session.scalars(db.select(ImportRowError).filter_by(job_id=job.id)
                                .order_by(ImportRowError.row, ImportRowError.id).limit(ERRORS_SHOWN)).all()
    error_count = db.session.scalar(db.select(db.func.count()).select_from(ImportRowError).filter_by(job_id=job.id))
    return render_template("import/job.html", job=job, errors=errors, error_count=error_count,
                           kind=get_kind(job.kind), shown=ERRORS_SHOWN)


@bp.route("/jobs/<int:job_id>/errors.csv")
@role_required(Role.ADMIN)
def job_errors(job_id: int):
    """The whole per-row report of a job as CSV (UTF-8 with BOM, so Excel reads it)."""
    job = _job_or_404(job_id)
    rows = db.session.execute(db.select(ImportRowError.row, ImportRowError.column, ImportRowError.message)
                              .filter_by(job_id=job.id).order_by(ImportRowError.row, ImportRowError.id))
    return download(write_csv(["行号", "列", "原因"], rows), f"import-{job.id}-errors.csv")


@bp.route("/<any(achievements, needs):kind_name>/template.xlsx")
@role_required(Role.ADMIN)
def template(kind_name: str):
    """The .xlsx import template of a kind."""
    kind = get_kind(kind_name)
    return Response(build_template(kind.name),
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename={kind.name}-import-template.xlsx"})
