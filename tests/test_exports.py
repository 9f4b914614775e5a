"""Exported files never carry a live spreadsheet formula from user-typed text."""
import csv
import io

from openpyxl import load_workbook

from matchmaker.exports import write_csv, write_xlsx

EVIL = '=HYPERLINK("http://evil.example","点此查看")'


def test_csv_cells_that_look_like_formulas_are_made_inert():
    body = write_csv(["标题", "金额"], [[EVIL, -5], ["@SUM(A1)", "普通文本"]]).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[1] == ["'" + EVIL, "-5"]  # numbers stay numbers
    assert rows[2] == ["'@SUM(A1)", "普通文本"]


def test_xlsx_cells_that_look_like_formulas_are_stored_as_text():
    data = write_xlsx(["标题", "说明"], [[EVIL, "+86 028"], ["锂电池正极材料", 3]], title="t")
    ws = load_workbook(io.BytesIO(data)).active
    cells = [[c for c in row] for row in ws.iter_rows(min_row=2)]
    assert cells[0][0].data_type == "s" and cells[0][0].value == "'" + EVIL
    assert cells[0][1].value == "'+86 028"
    assert cells[1][0].value == "锂电池正极材料" and cells[1][1].value == 3


def test_listing_csv_export_is_escaped(app, client, make_user):
    from models import Role
    from listing_data import published

    admin = make_user(Role.ADMIN)
    need = published("needs", make_user(Role.ENTERPRISE), admin)
    need.title = "=1+1 锂电池隔膜"
    from matchmaker.extensions import db
    db.session.commit()
    body = client.get("/needs/export.csv").get_data().decode("utf-8-sig")
    assert "'=1+1 锂电池隔膜" in body
    assert "\n=1+1" not in body and ",=1+1" not in body


def test_downloads_name_their_type_and_charset_once(login_as):
    from models import Role

    broker = login_as(Role.BROKER)
    for path, name in (("/stats/funnel.csv", "stats-funnel.csv"),
                       ("/roadshows/shortlist/download?week=2026-W47&format=csv",
                        "roadshow-shortlist-2026-W47-public.csv"),
                       ("/needs/export.csv", "needs.csv")):
        response = broker.get(path)
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
        assert response.headers["Content-Disposition"] == f"attachment; filename={name}"
        assert response.data.startswith("\ufeff".encode("utf-8"))  # the BOM Excel needs
    xlsx = broker.get("/roadshows/shortlist/download?week=2026-W47&format=xlsx")
    assert xlsx.headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
