"""Tables to files that open with Chinese intact in Excel and WPS: CSV with a BOM, XLSX."""
import csv
import io

from flask import Response, send_file
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font


# Flask adds "; charset=utf-8" to text/* types itself: naming it here too sent the parameter twice
MIMETYPES = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}

# A cell starting with one of these is run as a formula by Excel/WPS (CSV/formula injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value, with text that a spreadsheet would run as a formula made inert by a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def write_csv(header, rows) -> bytes:
    """UTF-8 with a BOM, so Excel and WPS detect the encoding of the Chinese text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([safe_cell(v) for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def write_xlsx(header, rows, title: str, sheet: str = "Sheet1", wide=()) -> bytes:
    """One sheet with a bold frozen header; columns named in ``wide`` are wide and wrapped."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(list(header))
    for row in rows:
        ws.append([safe_cell(v) for v in row])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for col, name in enumerate(header, 1):
        letter = ws.cell(row=1, column=col).column_letter
        ws.column_dimensions[letter].width = 60 if name in wide else 12 if len(name) <= 3 else 24
        if name in wide:
            for cell in ws[letter][1:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    wb.properties.title = title
    wb.properties.creator = "matchmaker 技术供需对接平台"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def download(data: bytes, filename: str) -> Response:
    """An attachment response for a file made here, its type taken from the name's extension (csv or xlsx)."""
    extension = filename.rsplit(".", 1)[-1]
    return send_file(io.BytesIO(data), mimetype=MIMETYPES[extension], as_attachment=True, download_name=filename)
