"""Read an uploaded table (CSV in UTF-8 with or without BOM or GBK, or XLSX) into numbered rows."""
import csv
import io
import os
import unicodedata
import zipfile

from flask import current_app

from ..errors import DomainError
from ..listings.columns import Column
from ..listings.kinds import get_kind


class UnreadableFile(DomainError):
    """The file could not be read as a table at all (nothing is imported)."""

    status_code = 400


def _line_of(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def decode_csv(raw: bytes) -> str:
    """Text of a CSV file: UTF-8 (BOM or not) first, then GB18030 (a superset of GBK); a file mixing them
    (a UTF-8 BOM and a GBK row) is refused with the line to fix, never guessed."""
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw[3:].decode("utf-8")
        except UnicodeDecodeError as exc:
            line = _line_of(raw, exc.start + 3)
            raise UnreadableFile(f"文件编码不一致：文件标明为 UTF-8，但第 {line} 行不是 UTF-8（可能是 GBK）。"
                                 "请在 Excel 或记事本中将整个文件另存为“CSV UTF-8”后重新上传") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        line = _line_of(raw, utf8_error.start)
        raise UnreadableFile(f"无法识别文件编码：第 {line} 行既不是 UTF-8 也不是 GBK。"
                             "请将文件另存为 UTF-8 或 GBK 编码的 CSV") from None


def _bounded(rows) -> list[list]:
    """The rows of a streaming reader, refused past IMPORT_MAX_ROWS rows or IMPORT_MAX_COLUMNS cells in a row
    (trailing empty cells do not count)."""
    max_rows, max_columns = _limit("IMPORT_MAX_ROWS", 100_000), _limit("IMPORT_MAX_COLUMNS", 100)
    out = []
    for number, row in enumerate(rows, start=1):
        if number > max_rows + 1:  # + the header
            raise UnreadableFile(f"文件超过 {max_rows} 行数据：请拆分成几个文件分批导入")
        row = list(row)
        while row and row[-1] in (None, ""):
            row.pop()
        if len(row) > max_columns:
            raise UnreadableFile(f"第 {number} 行有 {len(row)} 列，超过上限 {max_columns} 列：请使用导入模板的列")
        out.append(row)
    return out


def _csv_rows(raw: bytes) -> list[list]:
    text = decode_csv(raw)
    try:
        return _bounded(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise UnreadableFile(f"CSV 格式错误：{exc}") from exc


def _limit(name: str, default: int) -> int:
    return current_app.config.get(name, default) if current_app else default


def check_xlsx_size(raw: bytes) -> None:
    """Refuse an .xlsx whose parts would expand beyond IMPORT_MAX_UNCOMPRESSED bytes (a decompression bomb),
    before any XML is parsed."""
    limit = _limit("IMPORT_MAX_UNCOMPRESSED", 64 * 1024 * 1024)
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UnreadableFile("无法打开 Excel 文件：请使用 .xlsx 格式") from None
    if total > limit:
        raise UnreadableFile(f"Excel 文件解压后约 {total // 1024 // 1024} MB，超过上限 {limit // 1024 // 1024} MB："
                             "请删除多余的工作表、格式或空行，或拆分成几个文件分批导入")


def _xlsx_rows(raw: bytes) -> list[list]:
    from openpyxl import load_workbook

    check_xlsx_size(raw)
    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UnreadableFile("无法打开 Excel 文件：请使用 .xlsx 格式") from exc
    except Exception as exc:  # broken XML (ParseError), a missing part...: openpyxl has no one error type
        raise UnreadableFile("无法打开 Excel 文件：文件已损坏或不是有效的 .xlsx") from exc
    try:
        # read-only sheets parse lazily: a damaged sheet fails here, not in load_workbook
        return _bounded(book.worksheets[0].iter_rows(values_only=True))
    except UnreadableFile:
        raise
    except Exception as exc:
        raise UnreadableFile("无法读取 Excel 文件：工作表已损坏或工作簿中没有工作表") from exc
    finally:
        book.close()


def _norm(header) -> str:
    text = unicodedata.normalize("NFKC", str(header or "")).replace(" ", "").strip()
    return text.lstrip("*").rstrip("*")


def map_headers(kind_name: str, headers: list) -> dict[int, Column]:
    """Column position -> Column for the headers we know; UnreadableFile when a required one is missing."""
    wanted, columns = {}, get_kind(kind_name).columns()
    for column in columns:
        for name in (column.header,) + column.aliases:
            wanted[_norm(name)] = column
    found = {i: wanted[_norm(h)] for i, h in enumerate(headers) if _norm(h) in wanted}
    missing = [c.header for c in columns if c.required and c not in found.values()]
    if missing:
        raise UnreadableFile(f"缺少必填列：{'、'.join(missing)}（第 1 行应为表头，可下载导入模板对照）")
    return found


def read_table(kind_name: str, raw: bytes, filename: str) -> list[tuple[int, dict]]:
    """[(row number, {field name: cell})] for every non-blank data row; row 1 is the header."""
    ext = os.path.splitext(filename or "")[1].lower()
    if ext == ".xlsx":
        rows = _xlsx_rows(raw)
    elif ext in (".csv", ".txt"):
        rows = _csv_rows(raw)
    else:
        raise UnreadableFile("只支持 .csv 和 .xlsx 文件")
    if not rows:
        raise UnreadableFile("文件是空的")
    columns = map_headers(kind_name, rows[0])
    out = []
    for number, row in enumerate(rows[1:], start=2):
        cells = {col.name: row[i] for i, col in columns.items() if i < len(row)}
        if any(v not in (None, "") and str(v).strip() for v in cells.values()):
            out.append((number, cells))
    return out
