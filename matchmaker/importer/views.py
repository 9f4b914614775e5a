"""Admin upload page for bulk import, and the template download."""
from flask import Response, render_template
from flask_login import current_user

from models import Organization, Role

from . import bp
from .forms import ImportForm
from .reader import UnreadableFile, read_table
from .services import import_rows
from .template import build_template
from ..extensions import db
from ..listings.kinds import KINDS, get_kind
from ..security import role_required


@bp.route("/", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def upload():
    """Upload a CSV/XLSX file and show the per-row report."""
    form = ImportForm()
    form.org_id.choices = [(0, "平台汇交（默认）")] + [
        (o.id, o.name) for o in db.session.scalars(db.select(Organization).order_by(Organization.name))]
    report, problem = None, None
    if form.validate_on_submit():
        kind = get_kind(form.kind.data)
        upload_file = form.file.data
        try:
            rows = read_table(kind.name, upload_file.read(), upload_file.filename)
        except UnreadableFile as error:
            problem = error.message
        else:
            org = db.session.get(Organization, form.org_id.data) if form.org_id.data else None
            report = import_rows(kind, rows, org, actor=current_user,
                                 source=upload_file.filename)
    return render_template("import/upload.html", form=form, report=report, problem=problem, kinds=KINDS), \
        400 if problem else 200


@bp.route("/<any(achievements, needs):kind_name>/template.xlsx")
@role_required(Role.ADMIN)
def template(kind_name: str):
    """The .xlsx import template of a kind."""
    kind = get_kind(kind_name)
    return Response(build_template(kind.name),
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename={kind.name}-import-template.xlsx"})
