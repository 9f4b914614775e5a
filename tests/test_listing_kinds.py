"""The listing kinds are declarations: generic code asks the kind, a field added to one reaches every path,
and the packages import each other without a cycle."""
import ast
import csv
import io
import re
from dataclasses import replace
from pathlib import Path

from openpyxl import load_workbook
import pytest

from matchmaker.listings.kinds import ACHIEVEMENTS, Field, register_kind
from models import Role

from listing_data import achievement_data

PACKAGE = Path(__file__).resolve().parents[1] / "matchmaker"
# kind.name == "...", kind_of(x).name != '...', and the same in templates
NAME_COMPARISON = re.compile(r"""\.name\s*[!=]=\s*["'](achievements|needs)["']"""
                             r"""|["'](achievements|needs)["']\s*[!=]=\s*\w*kind""")


def test_no_kind_is_told_apart_by_its_name_outside_the_declarations():
    found = []
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in (".py", ".html") and path.name != "kinds.py":
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if NAME_COMPARISON.search(line):
                    found.append(f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}")
    assert found == []


def _package_imports() -> dict[str, set[str]]:
    """Subpackage (or top-level module) of matchmaker -> the others it imports at module level."""
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        package = parts[:-1] if path.name != "__init__.py" else parts[:-1]
        unit = ".".join(parts[:2]) if path.name != "__init__.py" or len(parts) > 2 else parts[0]
        for node in ast.parse(path.read_text(encoding="utf-8")).body:  # function-level imports are deferred
            if not isinstance(node, ast.ImportFrom):
                continue
            if node.level:
                target = package[:len(package) - node.level + 1] + (node.module or "").split(".")
            elif (node.module or "").startswith("matchmaker"):
                target = node.module.split(".")
            else:
                continue
            other = ".".join([t for t in target if t][:2])
            if other != unit:
                graph.setdefault(unit, set()).add(other)
    return graph


def test_the_packages_import_each_other_without_a_cycle():
    graph = _package_imports()
    assert "matchmaker.listings" in graph  # the walk found the imports it checks
    cycles = []

    def walk(node, path):
        for nxt in graph.get(node, ()):
            if nxt == path[0]:
                cycles.append(" -> ".join(path + [nxt]))
            elif nxt not in path:
                walk(nxt, path + [nxt])

    for start in graph:
        walk(start, [start])
    assert cycles == []


def _csv(title: str, summary: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["标题", "成果简介", "技术领域", "地区", "试验指标"])
    writer.writerow([title, summary, "0603", "四川", "循环寿命 3000 次"])
    return out.getvalue().encode("utf-8")


@pytest.fixture
def kind_without_indicators():
    """The achievements declaration without its key_indicators field, registered for the test, then restored."""
    variant = replace(ACHIEVEMENTS, fields=tuple(f for f in ACHIEVEMENTS.fields if f.name != "key_indicators"))
    old = register_kind(variant)
    yield variant
    register_kind(old)


def test_a_field_added_to_the_declaration_alone_reaches_form_import_export_and_engine(
        app, make_user, kind_without_indicators):
    from matchmaker.importer.reader import read_table
    from matchmaker.importer.services import import_rows
    from matchmaker.importer.template import build_template
    from matchmaker.listings.columns import export_columns, format_cell
    from matchmaker.listings.documents import listing_text
    from matchmaker.listings.forms import listing_form
    from matchmaker.listings.services import listing_values
    from matchmaker.formtools import NOTE_MAX
    from matchmaker.listings.validation import InvalidListing, clean_listing

    admin = make_user(Role.ADMIN)
    data = achievement_data()
    # without the field: no column, no form input, nothing stored, nothing indexed
    assert "试验指标" not in [c.header for c in export_columns(kind_without_indicators, True)]
    assert not hasattr(listing_form(kind_without_indicators), "key_indicators")
    rows = read_table("achievements", _csv(data["title"], data["summary"]), "a.csv")
    report = import_rows(kind_without_indicators, rows, actor=admin)
    [before] = report.listings
    assert before.key_indicators is None and "key_indicators" not in listing_values(before)

    # one declaration more, and nothing else
    declared = replace(kind_without_indicators, fields=kind_without_indicators.fields + (
        Field("key_indicators", "试验指标", text="body", example="循环寿命 3000 次"),))
    register_kind(declared)
    assert "试验指标" in [c.header for c in export_columns(declared, False)]
    sheet = load_workbook(io.BytesIO(build_template("achievements"))).active
    assert "试验指标" in [cell.value for cell in sheet[1]]
    form = listing_form(declared)
    assert form.key_indicators.args[0] == "试验指标"
    report = import_rows(declared, read_table("achievements", _csv(data["title"] + "（二）", data["summary"]), "b.csv"),
                         actor=admin)
    assert report.errors == []
    [after] = report.listings
    assert after.key_indicators == "循环寿命 3000 次"
    assert listing_values(after)["key_indicators"] == "循环寿命 3000 次"
    assert "循环寿命 3000 次" in listing_text(after)["body"]
    assert format_cell(after, "key_indicators") == "循环寿命 3000 次"
    with pytest.raises(InvalidListing) as bad:
        clean_listing(declared, {**data, "key_indicators": "长" * (NOTE_MAX + 1)})
    assert "试验指标" in bad.value.errors["key_indicators"]
