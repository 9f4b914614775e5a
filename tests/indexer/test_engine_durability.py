"""Upsert/delete are visible at once, survive a restart, and a crash never corrupts the index."""
import os

import pytest
from engine_cases import ACHIEVEMENTS, CATHODE_NEED

from indexer import Document, open_index


def test_delete_is_visible_to_next_search(make_index):
    index = make_index()
    assert index.delete(["cathode", "not-there"]) == 1
    assert "cathode" not in {h.id for h in index.search(CATHODE_NEED, limit=10)}
    assert index.count() == len(ACHIEVEMENTS) - 1 and "cathode" not in index.ids()


def test_upsert_replaces_an_existing_id(make_index):
    index = make_index()
    index.upsert([Document("wheat", {"title": "固态电解质硫化物锂电池", "body": "硫化物固态电解质的界面改性"}, {})])
    assert index.count() == len(ACHIEVEMENTS)
    assert index.search("硫化物固态电解质", limit=1)[0].id == "wheat"
    assert "wheat" not in {h.id for h in index.search("小麦育种抗旱", limit=3, filters={"region": "河南"})}


def test_reload_after_restart_with_and_without_save(tmp_path, make_index):
    index = make_index()
    index.delete(["bms"])
    reopened = open_index("achievements", {"index_dir": str(tmp_path)})  # from the journal
    assert reopened.ids() == index.ids()
    index.save()
    index.upsert([Document("late", {"title": "钠离子电池层状氧化物正极"}, {"region": "四川"})])
    restarted = open_index("achievements", {"index_dir": str(tmp_path)})
    assert restarted.ids() == index.ids() and "late" in restarted.ids()
    assert restarted.search(CATHODE_NEED, limit=1, filters={"region": "四川"})[0].id == "cathode"


def test_another_process_writes_are_noticed(tmp_path, make_index):
    reader = make_index()
    writer = open_index("achievements", {"index_dir": str(tmp_path)})
    writer.delete(["cathode"])
    assert reader.search(CATHODE_NEED, limit=1)[0].id != "cathode"
    writer.rebuild(ACHIEVEMENTS[:2])
    assert reader.ids() == {"cathode", "recycling"}


def test_torn_journal_and_leftover_temp_files_are_ignored(tmp_path, make_index):
    index = make_index()
    index.delete(["bms"])  # the first write made a snapshot; later ones go to its journal
    folder = os.path.join(tmp_path, "achievements")
    journal = [n for n in os.listdir(folder) if n.startswith("journal-")][0]
    with open(os.path.join(folder, journal), "ab") as f:
        f.write(b'{"op": "delete", "ids": ["cath')  # a crash in the middle of a write
    os.makedirs(os.path.join(folder, "gen-99.tmp123"))
    reopened = open_index("achievements", {"index_dir": str(tmp_path)})
    assert reopened.ids() == index.ids()
    reopened.upsert([Document("after-crash", {"title": "钠离子电池正极"}, {})])  # must not glue onto the torn line
    assert open_index("achievements", {"index_dir": str(tmp_path)}).ids() == index.ids() | {"after-crash"}
    reopened.save(compact=True)
    assert open_index("achievements", {"index_dir": str(tmp_path)}).ids() == index.ids() | {"after-crash"}


def test_rebuild_replaces_everything(make_index):
    index = make_index()
    assert index.rebuild(iter(ACHIEVEMENTS[3:]), total=4, progress=True) == len(ACHIEVEMENTS) - 3
    assert index.ids() == {d.id for d in ACHIEVEMENTS[3:]}


def test_hnsw_above_exact_limit_keeps_ids_filters_and_deletes(make_index):
    index = make_index(exact_limit=3)
    assert index.vectors._hnsw is not None
    assert index.search(CATHODE_NEED, limit=1)[0].id == "cathode"
    index.delete(["cathode"])
    assert "cathode" not in {h.id for h in index.search(CATHODE_NEED, limit=10)}
    index.save()
    assert {h.id for h in index.search("电池", 10, {"region": "四川"})} == {"bms"}


def test_failed_rebuild_keeps_the_old_index(make_index):
    index = make_index()
    bad_stream = iter([ACHIEVEMENTS[0], Document("", {"title": "无效"}, {})])
    with pytest.raises(ValueError):
        index.rebuild(bad_stream)
    assert index.ids() == {d.id for d in ACHIEVEMENTS}
    assert index.search(CATHODE_NEED, limit=1)[0].id == "cathode"


def _stamp(tmp_path, **changes):
    """Rewrite the live snapshot's meta.json as an older engine would have written it."""
    import json

    folder = os.path.join(tmp_path, "achievements")
    with open(os.path.join(folder, "CURRENT")) as f:
        meta_path = os.path.join(folder, f"gen-{f.read().strip()}", "meta.json")
    with open(meta_path, encoding="utf-8") as f:
        meta = json.load(f)
    meta.update(changes)
    with open(meta_path, "w", encoding="utf-8") as f:
        json.dump(meta, f, ensure_ascii=False)


@pytest.mark.parametrize("older", [{"analysis": 1}, {"analysis": None}, {"schemes": ["words", "bigrams"]},
                                   {"encoder": "m3e-small-fp32"}, {"encoder": "m3e-small-int8"}])
def test_an_index_built_by_another_analysis_is_stale(tmp_path, make_index, older):
    from indexer import StaleIndex

    make_index().save(compact=True)
    _stamp(tmp_path, **older)
    with pytest.raises(StaleIndex, match="rebuild it"):
        open_index("achievements", {"index_dir": str(tmp_path)})
    reset = open_index("achievements", {"index_dir": str(tmp_path), "on_stale": "reset"})
    assert reset.reset_reason and "rebuild it" in reset.reset_reason
    assert reset.count() == 0 and reset.search(CATHODE_NEED, limit=3) == []  # no stale vector is ever served
    reopened = open_index("achievements", {"index_dir": str(tmp_path)})  # the empty snapshot is current now
    assert reopened.reset_reason is None and reopened.count() == 0
    reopened.rebuild(ACHIEVEMENTS)
    assert open_index("achievements", {"index_dir": str(tmp_path)}).search(CATHODE_NEED, limit=1)[0].id == "cathode"


def test_analyzer_settings_must_match_the_index(tmp_path, make_index):
    from indexer import StaleIndex

    make_index().save(compact=True)
    with pytest.raises(StaleIndex, match="analyzers"):
        open_index("achievements", {"index_dir": str(tmp_path), "analyzers": ["words", "bigrams"]})
    with pytest.raises(ValueError, match="on_stale"):
        open_index("achievements", {"index_dir": str(tmp_path), "on_stale": "ignore"})


def test_the_first_write_makes_a_stamped_snapshot_and_a_bare_journal_is_stale(tmp_path, make_index):
    from indexer import StaleIndex

    index = make_index(docs=None)
    folder = os.path.join(tmp_path, "achievements")
    assert not os.path.exists(os.path.join(folder, "CURRENT"))
    index.upsert(ACHIEVEMENTS[:1])
    assert os.path.exists(os.path.join(folder, "CURRENT"))  # the journal that follows has a stamp to go by
    other = tmp_path / "old"
    os.makedirs(other / "achievements")
    with open(other / "achievements" / "journal-0.log", "w", encoding="utf-8") as f:
        f.write('{"op": "delete", "ids": ["x"]}\n')  # what an engine before snapshots-first left behind
    with pytest.raises(StaleIndex, match="no snapshot"):
        open_index("achievements", {"index_dir": str(other)})
    reset = open_index("achievements", {"index_dir": str(other), "on_stale": "reset"})
    assert reset.reset_reason and reset.count() == 0
    assert open_index("achievements", {"index_dir": str(other)}).count() == 0


def test_a_repeated_query_is_answered_again_after_any_write_here_or_elsewhere(tmp_path, make_index):
    """Hits are remembered between writes (the related panel, repeated typed searches), never past one."""
    reader = make_index()
    first = reader.search(CATHODE_NEED, limit=5)
    assert reader.search(CATHODE_NEED, limit=5) == first and first[0].id == "cathode"
    reader.delete(["cathode"])  # a write of this process
    assert "cathode" not in {h.id for h in reader.search(CATHODE_NEED, limit=5)}
    writer = open_index("achievements", {"index_dir": str(tmp_path)})  # another process
    writer.upsert([Document("cathode", {"title": "高镍三元正极材料包覆改性", "body": "锂电池正极材料表面包覆"}, {})])
    assert reader.search(CATHODE_NEED, limit=5)[0].id == "cathode"
    assert reader.search(CATHODE_NEED, limit=5, filters={"region": "河南"}) != reader.search(CATHODE_NEED, limit=5)
