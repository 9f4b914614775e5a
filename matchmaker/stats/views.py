"""Statistics page (ECharts served locally) and one CSV download per chart."""
from flask import render_template

from . import bp
from ..errors import NotFound
from ..exports import download as download_file, write_csv
from ..security import STAFF, export_limited, role_required
from .services import CHARTS


@bp.get("/")
@role_required(*STAFF)
def index():
    charts = {name: {"title": c.title, "kind": c.kind, "table": c.table()} for name, c in CHARTS.items()}
    return render_template("stats/index.html", charts=charts)


@bp.get("/<name>.csv")
@export_limited
@role_required(*STAFF)
def download(name: str):
    chart = CHARTS.get(name)
    if chart is None:
        raise NotFound("没有这项统计")
    return download_file(write_csv(*chart.table()), f"stats-{name}.csv")
