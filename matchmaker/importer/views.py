"""Admin upload page for bulk import, and the template download."""
from flask import Response, render_template
from flask_login import current_user

from models import Role

from . import bp
from .forms import ImportForm
from .reader import UnreadableFile
from .services import import_upload
from .template import build_template
from ..listings.kinds import KINDS, get_kind
from ..security import role_required


@bp.route("/", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def upload():
    """Upload a CSV/XLSX file and show the per-row report."""
    form = ImportForm()
    report, problem = None, None
    if form.validate_on_submit():
        try:
            report = import_upload(form.kind.data, form.file.data.read(), form.file.data.filename,
                                   form.org_id.data, current_user)
        except UnreadableFile as error:
            problem = error.message
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
