"""`flask taxonomy load`: the two-level field tree follows its JSON file, idempotently."""
import json

import sqlalchemy as sa

from matchmaker.taxonomy_loader import load_taxonomy
from models import BrokerCoverage, Role, TechField, read_taxonomy_file


def fields(db) -> dict[str, TechField]:
    return {f.code: f for f in db.session.scalars(sa.select(TechField))}


def write_taxonomy(path, tree: list[dict]) -> str:
    path.write_text(json.dumps({"name": "测试分类", "fields": tree}, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_cli_loads_default_file_then_reports_unchanged(app, db, runner):
    result = runner.invoke(args=["taxonomy", "load"])
    assert result.exit_code == 0, result.output
    rows = read_taxonomy_file(app.config["TAXONOMY_FILE"])
    loaded = fields(db)
    assert len(loaded) == len(rows) and len(rows) > 50
    assert loaded["0101"].name == "软件" and loaded["0101"].parent_code == "01"
    assert sum(f.is_top for f in loaded.values()) == 8
    again = runner.invoke(args=["taxonomy", "load"])
    assert "unchanged" in again.output
    assert len(fields(db)) == len(rows)


def test_replacing_the_file_adds_renames_and_removes(app, db, make_user, tmp_path):
    load_taxonomy(app.config["TAXONOMY_FILE"])
    broker = make_user(Role.BROKER)
    broker.coverage = [BrokerCoverage(field_code="0102"), BrokerCoverage(field_code="01", region="四川")]
    db.session.commit()
    path = write_taxonomy(tmp_path / "center.json", [
        {"code": "01", "name": "新一代信息技术", "children": [{"code": "0101", "name": "软件"},
                                                        {"code": "0199", "name": "人工智能"}]},
    ])
    result = load_taxonomy(path)
    loaded = fields(db)
    assert set(loaded) == {"01", "0101", "0199"}
    assert loaded["01"].name == "新一代信息技术" and loaded["0199"].parent_code == "01"
    assert (result.added, result.updated, result.removed) == (1, 1, len(read_taxonomy_file(app.config["TAXONOMY_FILE"])) - 2)
    # coverage on a field that no longer exists goes with it; the rest stays
    assert [c.field_code for c in db.session.scalars(sa.select(BrokerCoverage))] == ["01"]
    assert not load_taxonomy(path).changed


def test_duplicate_codes_are_refused_and_nothing_changes(app, db, runner, tmp_path):
    load_taxonomy(app.config["TAXONOMY_FILE"])
    before = len(fields(db))
    path = write_taxonomy(tmp_path / "bad.json", [
        {"code": "01", "name": "甲", "children": [{"code": "01", "name": "乙"}]},
    ])
    result = runner.invoke(args=["taxonomy", "load", path])
    assert result.exit_code != 0 and "重复" in result.output
    assert len(fields(db)) == before


def test_malformed_file_is_a_clean_error(runner, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"fields": [{"name": "无代码"}]}', encoding="utf-8")
    result = runner.invoke(args=["taxonomy", "load", str(path)])
    assert result.exit_code == 1 and "格式错误" in result.output
