"""Bulk import: encodings, XLSX, bad rows reported and never half-imported, re-import without duplicates."""
import csv
import re
import io
from datetime import date, timedelta

import pytest
from openpyxl import Workbook, load_workbook

from matchmaker.extensions import db as _db
from matchmaker.listings.index import get_index
from models import Achievement, IPItem, IndexState, ListingStatus, Need, Organization, OrgKind, Role

HEADER = ["外部编号", "标题", "成果简介", "关键词", "技术领域", "地区", "技术成熟度", "合作方式", "价格方式",
          "价格(万元)", "知识产权", "联系人", "联系电话", "联系邮箱"]
GOOD = [
    ["", "高镍三元正极材料表面包覆改性技术", "通过原子层沉积在高镍三元正极表面包覆氧化铝，提高锂电池循环稳定性。",
     "正极材料，锂电池", "0603", "四川", "6", "转让、普通许可", "挂牌价", "80",
     "发明专利:CN201910123456X:已授权", "赵老师", "028-12345678", "zhao@example.edu.cn"],
    ["CG-2", "污水处理厂污泥低温干化技术", "利用热泵低温干化污泥，能耗低、无臭气外溢，适用于市政污水处理厂。",
     "污泥，干化，热泵", "资源与环境 / 水污染控制与水资源利用技术", "重庆", "7", "技术开发", "面议", "",
     "", "", "", ""],
    ["", "农作物病虫害图像识别系统", "基于深度学习识别常见农作物病虫害，支持手机拍照诊断。",
     "图像识别，病虫害", "0101", "河南", "5", "技术服务", "协议定价", "",
     "软件著作权:2021SR0123456:已授权", "", "", ""],
]
BAD = [
    ["", "一种带错误专利号的成果", "专利号校验位不对，整行都不应被导入，包括它的知识产权。",
     "测试", "0603", "四川", "5", "转让", "面议", "", "发明专利:201910123456.1:已授权", "", "", ""],
    ["", "地区写错的成果", "地区不是省级行政区简称，应当被拒绝并给出中文原因。",
     "测试", "0603", "火星", "5", "转让", "面议", "", "", "", "", ""],
    ["", "", "没有标题的成果，应当被拒绝。这里的摘要足够长。", "测试", "0603", "四川", "", "", "", "", "", "", "", ""],
]


def write_csv(path, rows, encoding="utf-8-sig"):
    buf = io.StringIO()
    csv.writer(buf).writerows([HEADER] + rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return str(path)


def achievements():
    return _db.session.scalars(_db.select(Achievement).order_by(Achievement.id)).all()


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk"])
def test_csv_in_each_encoding_imports_good_rows_and_reports_bad_ones(app, runner, tmp_path, encoding):
    path = write_csv(tmp_path / "batch.csv", GOOD + BAD, encoding)
    result = runner.invoke(args=["import", "achievements", path])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[-1] == "imported 3, rejected 3"
    # stdout carries one line per bad row (the model's loading bar may share stderr in the runner)
    assert "第 5 行 [知识产权] 第 1 项知识产权：专利申请号校验位错误（应为 X）\n" in result.output
    assert "\n第 6 行 [地区] 未知的地区：火星\n" in result.output
    assert "\n第 7 行 [标题] 标题不能为空\n" in result.output
    rows = achievements()
    assert [r.title for r in rows] == [g[1] for g in GOOD]
    assert all(r.status == ListingStatus.PUBLISHED and r.index_state == IndexState.SYNCED for r in rows)
    assert rows[1].field_code == "0701" and rows[0].coop_modes == ["transfer", "license_general"]
    assert rows[0].ip_items[0].number == "201910123456.X"
    assert get_index("achievements").ids() == {str(r.id) for r in rows}
    # the bad row with an IP item left nothing behind
    assert _db.session.scalar(_db.select(_db.func.count()).select_from(IPItem)) == 2


def test_reimporting_the_same_file_creates_no_duplicates_and_updates_changes(app, runner, tmp_path):
    path = write_csv(tmp_path / "batch.csv", GOOD)
    assert runner.invoke(args=["import", "achievements", path]).output.strip().endswith("imported 3, rejected 0")
    first = {r.id for r in achievements()}
    again = runner.invoke(args=["import", "achievements", path])
    assert again.exit_code == 0 and again.output.strip().splitlines()[-1] == "imported 3, rejected 0"
    assert "未变化 3 条" in again.output
    changed = [list(r) for r in GOOD]
    changed[1][2] = "利用热泵低温干化污泥，出泥含水率低于 30%，适用于市政和工业污水处理厂。"  # same 外部编号 CG-2
    changed[1][1] = "污泥热泵低温干化成套装备"
    write_csv(tmp_path / "batch.csv", changed)
    third = runner.invoke(args=["import", "achievements", path])
    assert "更新 1 条" in third.output
    assert {r.id for r in achievements()} == first
    assert _db.session.get(Achievement, sorted(first)[1]).title == "污泥热泵低温干化成套装备"


def test_duplicate_rows_inside_one_file_are_rejected(app, runner, tmp_path):
    path = write_csv(tmp_path / "dup.csv", [GOOD[0], GOOD[0]])
    result = runner.invoke(args=["import", "achievements", path])
    assert "第 3 行 [标题] 与第 2 行重复" in result.output
    assert result.output.strip().splitlines()[-1] == "imported 1, rejected 1"


def test_xlsx_with_numbers_and_dates_imports_needs(app, runner, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["标题", "需求描述", "技术领域", "地区", "预算下限(万元)", "预算上限(万元)", "截止日期", "揭榜挂帅",
                  "悬赏金额(万元)", "揭榜条件", "合作方式"])
    deadline = date.today() + timedelta(days=90)
    sheet.append(["工业机器人视觉引导抓取", "产线需要视觉引导机器人抓取无序堆放的金属零件，节拍不大于 6 秒。",
                  "先进制造与自动化", "广东", 50, 150.5, deadline, "否", None, None, "技术开发"])
    sheet.append(["氢燃料电池催化剂降本", "寻求低铂催化剂方案，铂载量降低一半且寿命不降低，愿以揭榜挂帅方式攻关。",
                  "0602", "上海", None, None, deadline, "是", 500, "具备燃料电池研发经验的团队", "技术开发、作价入股"])
    sheet.append(["揭榜但没写悬赏", "揭榜挂帅的需求必须写明悬赏金额，否则整行拒绝导入。", "0602", "上海",
                  None, None, deadline, "是", None, "任何团队", ""])
    path = tmp_path / "needs.xlsx"
    book.save(path)
    result = runner.invoke(args=["import", "needs", str(path)])
    assert result.exit_code == 0, result.output
    assert "第 4 行 [悬赏金额(万元)] 揭榜挂帅须填写悬赏金额（万元）" in result.output
    assert result.output.strip().splitlines()[-1] == "imported 2, rejected 1"
    needs = _db.session.scalars(_db.select(Need).order_by(Need.id)).all()
    assert needs[0].field_code == "08" and float(needs[0].budget_max) == 150.5 and needs[0].deadline == deadline
    assert needs[1].is_challenge and float(needs[1].reward) == 500 and needs[1].coop_modes == ["development", "equity"]


@pytest.mark.parametrize("name,content,message", [
    ("missing.csv", None, "无法读取"),
    ("broken.xlsx", b"this is not a zip file", "无法打开 Excel 文件"),
    ("noheader.csv", "名称,说明\n甲,乙\n".encode("utf-8"), "缺少必填列"),
    ("empty.csv", b"", "文件是空的"),
    ("data.json", b"{}", "只支持"),
])
def test_unreadable_files_exit_1_and_import_nothing(app, runner, tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = runner.invoke(args=["import", "achievements", str(path)])
    assert result.exit_code == 1
    assert message in result.output
    assert achievements() == []


def test_org_option_assigns_rows_and_unknown_org_is_refused(app, runner, tmp_path, db):
    db.session.add(Organization(name="四川大学", kind=OrgKind.UNIVERSITY, region="四川", verified=True))
    db.session.commit()
    path = write_csv(tmp_path / "batch.csv", GOOD[:1])
    assert runner.invoke(args=["import", "achievements", path, "--org", "不存在的大学"]).exit_code == 2
    result = runner.invoke(args=["import", "achievements", path, "--org", "四川大学"])
    assert result.exit_code == 0
    assert achievements()[0].organization.name == "四川大学"


def test_default_org_is_the_platform_and_no_user_owns_imports(app, runner, tmp_path):
    runner.invoke(args=["import", "achievements", write_csv(tmp_path / "b.csv", GOOD[:1])])
    row = achievements()[0]
    assert row.owner_id is None and row.organization.name.startswith("技术供需对接平台")


def test_admin_uploads_a_file_and_downloads_the_template(app, login_as, tmp_path):
    admin = login_as(Role.ADMIN)
    template = admin.get("/import/achievements/template.xlsx")
    assert template.status_code == 200
    headers = [c.value for c in load_workbook(io.BytesIO(template.data)).active[1]]
    assert "*标题" in headers and "知识产权" in headers and "联系邮箱" in headers
    data = write_csv(tmp_path / "up.csv", GOOD + BAD[:1])
    with open(data, "rb") as fh:
        page = admin.post("/import/", data={"kind": "achievements", "org_id": "0", "file": (fh, "up.csv")},
                          content_type="multipart/form-data", follow_redirects=True)
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "导入 3 条" in body and "拒绝 1 行" in body and "校验位错误" in body
    assert len(achievements()) == 3


def test_only_admins_reach_the_import_page(app, login_as, client):
    for role in (Role.RESEARCHER, Role.ENTERPRISE, Role.BROKER):
        assert login_as(role).get("/import/").status_code == 403
    assert client.get("/import/").status_code in (302, 401)


def test_template_filled_with_its_own_examples_imports_cleanly(app, login_as, runner, tmp_path):
    """The template's header and the examples on its notes sheet make a valid file for each kind."""
    admin = login_as(Role.ADMIN)
    for kind in ("achievements", "needs"):
        book = load_workbook(io.BytesIO(admin.get(f"/import/{kind}/template.xlsx").data))
        data, notes = book["导入数据"], book["填写说明"]
        examples = {row[0]: row[2] for row in notes.iter_rows(min_row=2, values_only=True) if row and row[0]}
        assert data.max_row == 1  # no example row a user could import by mistake
        data.append([examples.get(c.value.lstrip("*")) for c in data[1]])
        path = tmp_path / f"{kind}.xlsx"
        book.save(path)
        result = runner.invoke(args=["import", kind, str(path)])
        assert result.output.strip().splitlines()[-1] == "imported 1, rejected 0", result.output


def test_an_admin_export_reimports_in_place_even_with_edited_titles(app, runner, tmp_path, login_as):
    runner.invoke(args=["import", "achievements", write_csv(tmp_path / "batch.csv", GOOD)])
    before = {r.id: r.external_key for r in achievements()}
    exported = tmp_path / "export.csv"
    exported.write_bytes(login_as(Role.ADMIN).get("/achievements/export.csv").get_data())
    table = list(csv.reader(io.StringIO(exported.read_text("utf-8-sig"))))
    header = table[0]
    assert "外部编号" in header and "联系电话" in header
    by_key = {row[header.index("外部编号")]: row for row in table[1:]}
    assert set(by_key) == set(before.values())
    again = runner.invoke(args=["import", "achievements", str(exported)])
    assert again.output.strip().splitlines()[-1] == "imported 3, rejected 0" and "未变化 3 条" in again.output

    titled = next(r for r in achievements() if r.title == GOOD[0][1])  # imported without a 外部编号
    by_key[titled.external_key][header.index("标题")] = "高镍三元正极材料原子层沉积包覆技术"
    buf = io.StringIO()
    csv.writer(buf).writerows([header] + list(by_key.values()))
    exported.write_bytes(buf.getvalue().encode("utf-8-sig"))
    third = runner.invoke(args=["import", "achievements", str(exported)])
    assert "更新 1 条" in third.output
    assert {r.id: r.external_key for r in achievements()} == before
    assert _db.session.get(Achievement, titled.id).title == "高镍三元正极材料原子层沉积包覆技术"


def test_upload_service_imports_into_the_chosen_organization(app, make_user, tmp_path):
    from matchmaker.importer.reader import UnreadableFile
    from matchmaker.importer.services import import_upload, organization_choices

    admin = make_user(Role.ADMIN)
    org = Organization(name="西南交通大学", kind=OrgKind.UNIVERSITY, region="四川")
    _db.session.add(org)
    _db.session.commit()
    assert organization_choices()[0] == (0, "平台汇交（默认）") and (org.id, org.name) in organization_choices()
    raw = open(write_csv(tmp_path / "up.csv", GOOD), "rb").read()
    report = import_upload("achievements", raw, "up.csv", org.id, admin)
    assert report.created == 3 and {a.organization_id for a in achievements()} == {org.id}
    with pytest.raises(UnreadableFile):
        import_upload("achievements", b"\x00\x01", "up.xlsx", 0, admin)


@pytest.mark.parametrize("trl", ["①", "²"])
def test_a_circled_trl_rejects_its_row_and_keeps_the_good_ones(app, runner, tmp_path, login_as, trl):
    bad = list(GOOD[0])
    bad[HEADER.index("技术成熟度")] = trl
    bad[HEADER.index("标题")] = "成熟度写成圆圈数字的成果"
    path = write_csv(tmp_path / "trl.csv", [bad, GOOD[1]])
    result = runner.invoke(args=["import", "achievements", path])
    assert result.exit_code == 0, result.output
    assert "第 2 行 [技术成熟度] 技术成熟度应为 1-9 的整数" in result.output
    assert result.output.strip().splitlines()[-1] == "imported 1, rejected 1"
    assert [a.title for a in achievements()] == [GOOD[1][1]]
    with open(path, "rb") as fh:
        page = login_as(Role.ADMIN).post("/import/", data={"kind": "achievements", "org_id": "0",
                                                           "file": (fh, "trl.csv")},
                                         content_type="multipart/form-data", follow_redirects=True)
    assert page.status_code == 200 and "技术成熟度应为 1-9 的整数" in page.get_data(as_text=True)


def damaged_xlsx(tmp_path, how: str) -> bytes:
    """An .xlsx that is a valid zip but not a readable workbook."""
    import zipfile

    if how == "content_types":  # the zip holds only a [Content_Types].xml that is not XML
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("[Content_Types].xml", "<not xml")
        return buf.getvalue()
    book = Workbook()
    book.active.append(HEADER)
    book.active.append(GOOD[0])
    book.save(tmp_path / "whole.xlsx")
    src = zipfile.ZipFile(tmp_path / "whole.xlsx")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if how == "cut_sheet" and item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]  # the sheet's XML ends half-way through a tag
            if how == "no_sheets" and item.filename == "xl/workbook.xml":
                data = re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", data)
            out.writestr(item, data)
    return buf.getvalue()


@pytest.mark.parametrize("how", ["content_types", "cut_sheet", "no_sheets"])
def test_a_damaged_xlsx_is_refused_in_chinese_by_cli_and_upload(app, runner, login_as, tmp_path, how):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(damaged_xlsx(tmp_path, how))
    result = runner.invoke(args=["import", "achievements", str(path)])
    assert result.exit_code == 1 and "Excel 文件" in result.output, result.output
    assert isinstance(result.exception, SystemExit)  # a ClickException, not an uncaught error
    with open(path, "rb") as fh:
        page = login_as(Role.ADMIN).post("/import/", data={"kind": "achievements", "org_id": "0",
                                                           "file": (fh, "broken.xlsx")},
                                         content_type="multipart/form-data", follow_redirects=True)
    body = page.get_data(as_text=True)
    # refused by the upload's quick check (400), or by the job reading the sheet (its page says it failed)
    assert (page.status_code == 400 and "无法读取文件" in body) or 'data-state="failed"' in body, body
    assert "Excel 文件" in body and achievements() == []


def test_an_upload_over_the_size_limit_gets_a_chinese_413_page(app, login_as, tmp_path):
    app.config["MAX_CONTENT_LENGTH"] = 2**20
    path = write_csv(tmp_path / "big.csv", GOOD * 6000)
    assert (tmp_path / "big.csv").stat().st_size > 2**20
    with open(path, "rb") as fh:
        page = login_as(Role.ADMIN).post("/import/", data={"kind": "achievements", "org_id": "0",
                                                           "file": (fh, "big.csv")},
                                         content_type="multipart/form-data", follow_redirects=True)
    assert page.status_code == 413
    assert "超过了 1 MB 的上限" in page.get_data(as_text=True)
    assert achievements() == []


def test_an_imported_row_with_a_nul_byte_is_rejected_and_the_rest_kept(app, runner, tmp_path):
    bad = list(GOOD[0])
    bad[HEADER.index("成果简介")] = "简介里混进了空字节\x00，这一行应当被拒绝导入。"
    result = runner.invoke(args=["import", "achievements", write_csv(tmp_path / "nul.csv", [bad, GOOD[1]])])
    assert "第 2 行 [成果简介] 摘要包含不允许的控制字符" in result.output, result.output
    assert result.output.strip().splitlines()[-1] == "imported 1, rejected 1"


def test_an_external_id_is_scoped_to_its_organization(app, runner, tmp_path, db):
    """CG-2 imported for 电子科技大学 after 四川大学 used it is a new listing of 电子科技大学; 四川大学's stays."""
    for name in ("四川大学", "电子科技大学"):
        db.session.add(Organization(name=name, kind=OrgKind.UNIVERSITY, region="四川", verified=True))
    db.session.commit()
    path = write_csv(tmp_path / "scu.csv", [GOOD[1]])  # 外部编号 CG-2
    assert runner.invoke(args=["import", "achievements", path, "--org", "四川大学"]).exit_code == 0
    [scu] = achievements()
    other = [list(GOOD[1])]
    other[0][1], other[0][2] = "电子科大的另一项成果", "编号碰巧相同，但这是电子科技大学自己的成果，内容完全不同。"
    result = runner.invoke(args=["import", "achievements", write_csv(tmp_path / "uestc.csv", other),
                                 "--org", "电子科技大学"])
    assert result.exit_code == 0 and "新增 1 条" in result.output, result.output
    rows = achievements()
    assert len(rows) == 2
    db.session.refresh(scu)
    assert scu.title == GOOD[1][1] and scu.organization.name == "四川大学" and scu.status == ListingStatus.PUBLISHED
    assert {r.organization.name for r in rows} == {"四川大学", "电子科技大学"}


def test_an_import_that_changes_published_content_sends_it_back_to_review(app, runner, tmp_path):
    path = write_csv(tmp_path / "batch.csv", GOOD)
    runner.invoke(args=["import", "achievements", path])
    changed = [list(r) for r in GOOD]
    changed[1][2] = "利用热泵低温干化污泥，出泥含水率低于 30%，适用于市政和工业污水处理厂。"
    changed[0][11] = "钱老师"  # a contact only: stays published, as in the form
    write_csv(tmp_path / "batch.csv", changed)
    result = runner.invoke(args=["import", "achievements", path])
    assert "更新 2 条（其中 1 条内容有变、转入审核）" in result.output, result.output
    by_title = {r.title: r for r in achievements()}
    assert by_title[GOOD[1][1]].status == ListingStatus.PENDING
    assert by_title[GOOD[0][1]].status == ListingStatus.PUBLISHED
    assert str(by_title[GOOD[1][1]].id) not in get_index("achievements").ids()  # out of the index until approved


def test_a_bom_file_with_one_gbk_row_is_refused_with_the_line(app, runner, tmp_path, login_as):
    buf = io.StringIO()
    csv.writer(buf).writerows([HEADER] + GOOD[:2])
    raw = b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")
    gbk_row = io.StringIO()
    csv.writer(gbk_row).writerow(GOOD[2])
    raw += gbk_row.getvalue().encode("gbk")
    (tmp_path / "mixed.csv").write_bytes(raw)
    result = runner.invoke(args=["import", "achievements", str(tmp_path / "mixed.csv")])
    assert result.exit_code == 1 and "第 4 行不是 UTF-8" in result.output and "Traceback" not in result.output
    page = login_as(Role.ADMIN).post("/import/", data={"kind": "achievements", "org_id": "0",
                                                       "file": (io.BytesIO(raw), "mixed.csv")},
                                     content_type="multipart/form-data", follow_redirects=True)
    assert page.status_code in (200, 400, 422) and "第 4 行不是 UTF-8" in page.get_data(as_text=True)
    assert achievements() == []


def test_a_small_decompression_bomb_is_refused_before_parsing(app, runner, tmp_path):
    import zipfile

    app.config["IMPORT_MAX_UNCOMPRESSED"] = 2 * 1024 * 1024
    book = Workbook()
    book.active.append(["标题", "成果简介"])
    path = tmp_path / "bomb.xlsx"
    book.save(path)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (3 * 1024 * 1024))  # 3 MB of zeros: a few KB zipped
    assert path.stat().st_size < 100_000
    result = runner.invoke(args=["import", "achievements", str(path)])
    assert result.exit_code == 1 and "解压后约 3 MB，超过上限 2 MB" in result.output
    assert achievements() == []


def test_rows_beyond_the_limit_are_refused_whole(app, runner, tmp_path):
    app.config["IMPORT_MAX_ROWS"] = 2
    result = runner.invoke(args=["import", "achievements", write_csv(tmp_path / "big.csv", GOOD)])
    assert result.exit_code == 1 and "超过 2 行数据" in result.output
    assert achievements() == []


def interrupted_import(runner, tmp_path):
    """The state a kill -9 after the import's commit leaves: published, index PENDING, never matched."""
    from models import Achievement, Match

    runner.invoke(args=["import", "achievements", write_csv(tmp_path / "batch.csv", GOOD)])
    rows = achievements()
    # a bulk UPDATE: the process died after the commit, before the post-commit hook could index the rows
    _db.session.execute(_db.update(Achievement).where(Achievement.id.in_([r.id for r in rows]))
                        .values(index_state=IndexState.PENDING))
    _db.session.execute(_db.delete(Match))
    _db.session.commit()
    _db.session.expire_all()
    get_index("achievements").delete([str(r.id) for r in rows])
    return rows


@pytest.fixture
def need_for_sludge(app, make_user):
    from listing_data import published

    enterprise, admin = make_user(Role.ENTERPRISE), make_user(Role.ADMIN)
    app.config["MATCH_THRESHOLD"] = 1
    return published("needs", enterprise, admin, title="市政污泥低温干化处置技术需求",
                     description="污水处理厂污泥含水率高，需要能耗低、无臭气的污泥低温干化技术和装备。",
                     keywords="污泥，干化，热泵")


@pytest.mark.parametrize("heal", [["reindex", "--pending"], ["import", "achievements"]])
def test_an_interrupted_import_heals_into_indexed_and_matched(app, runner, tmp_path, need_for_sludge, heal):
    from models import Match

    rows = interrupted_import(runner, tmp_path)
    assert _db.session.scalars(_db.select(Match)).all() == []
    args = heal + ([str(tmp_path / "batch.csv")] if heal[0] == "import" else [])
    assert runner.invoke(args=args).exit_code == 0
    assert all(r.index_state == IndexState.SYNCED for r in achievements())
    assert get_index("achievements").ids() >= {str(r.id) for r in rows}
    sludge = next(r for r in rows if "污泥" in r.title)
    assert (need_for_sludge.id, sludge.id) in {(m.need_id, m.achievement_id)
                                               for m in _db.session.scalars(_db.select(Match))}


def test_a_search_before_the_heal_neither_indexes_nor_matches_and_the_heal_does_both(app, runner, client, tmp_path,
                                                                                     need_for_sludge):
    """A page view over an interrupted import writes nothing; the heal indexes and matches it."""
    from models import Match

    rows = interrupted_import(runner, tmp_path)
    assert client.get("/achievements/?q=污泥").status_code == 200
    assert {r.index_state for r in achievements()} == {IndexState.PENDING}
    assert _db.session.scalars(_db.select(Match)).all() == []  # nothing matched inside the GET
    assert runner.invoke(args=["reindex", "--pending"]).exit_code == 0
    sludge = next(r for r in rows if "污泥" in r.title)
    assert {r.index_state for r in achievements()} == {IndexState.SYNCED}
    assert (need_for_sludge.id, sludge.id) in {(m.need_id, m.achievement_id)
                                               for m in _db.session.scalars(_db.select(Match))}


def test_an_upload_runs_as_a_background_job_with_a_progress_page(app, login_as, tmp_path):
    """The upload returns at once; a real thread reads, publishes, indexes and matches; the page follows it."""
    import time
    from models import ImportFile, ImportJob, ImportState, Notification

    app.config.update(IMPORT_BACKGROUND=True, IMPORT_CHUNK_ROWS=2)
    admin = login_as(Role.ADMIN)
    with open(write_csv(tmp_path / "up.csv", GOOD + BAD[:1]), "rb") as fh:
        posted = admin.post("/import/", data={"kind": "achievements", "org_id": "0", "file": (fh, "up.csv")},
                            content_type="multipart/form-data")
    assert posted.status_code == 302 and "/import/jobs/" in posted.location
    deadline = time.monotonic() + 120
    while True:
        page = admin.get(posted.location)
        body = page.get_data(as_text=True)
        state = re.search(r'data-state="(\w+)"', body).group(1)
        if state in ("done", "failed") or time.monotonic() > deadline:
            break
        assert 'http-equiv="refresh"' in body  # the page follows a running job by itself
        time.sleep(0.2)
    assert state == "done", body
    assert "导入 3 条" in body and "拒绝 1 行" in body and "校验位错误" in body and 'http-equiv="refresh"' not in body
    _db.session.expire_all()
    job = _db.session.scalars(_db.select(ImportJob)).one()
    assert job.state == ImportState.DONE and job.indexed == 3
    assert _db.session.get(ImportFile, job.id) is None  # the stored file goes once its rows are published
    assert {r.status for r in achievements()} == {ListingStatus.PUBLISHED}
    assert {r.index_state for r in achievements()} == {IndexState.SYNCED}
    report = admin.get(f"/import/jobs/{job.id}/errors.csv")
    lines = report.get_data().decode("utf-8-sig").splitlines()
    assert lines[0] == "行号,列,原因" and len(lines) == 2 and lines[1].startswith("5,")
    told = _db.session.scalars(_db.select(Notification).filter_by(user_id=admin.user.id, kind="import_done")).one()
    assert "导入完成" in told.title and told.link == f"/import/jobs/{job.id}"
    assert "up.csv" in admin.get("/import/").get_data(as_text=True)  # the recent jobs list


def test_the_progress_page_is_for_admins_only(app, login_as, runner, tmp_path):
    runner.invoke(args=["import", "achievements", write_csv(tmp_path / "b.csv", GOOD)])
    for role in (Role.RESEARCHER, Role.ENTERPRISE, Role.BROKER):
        assert login_as(role).get("/import/jobs/1").status_code == 403
        assert login_as(role).get("/import/jobs/1/errors.csv").status_code == 403
    assert login_as(Role.ADMIN).get("/import/jobs/99").status_code == 404


@pytest.mark.parametrize("killed_in", ["reading", "indexing"])
def test_a_job_killed_midway_is_resumed_by_the_worker(app, runner, client, login_as, tmp_path, need_for_sludge,
                                                      killed_in):
    """What a kill -9 leaves between two chunks: staged rows nobody sees (or published rows not yet indexed);
    the worker's resume_imports takes the stale job up from its stored file and ends indexed and matched."""
    from datetime import datetime
    from matchmaker.importer.services import ImportReport, create_job, publish, stage_rows
    from matchmaker.importer.reader import read_table
    from matchmaker.listings.kinds import get_kind
    from models import ImportJob, ImportState, Match

    app.config["IMPORT_CHUNK_ROWS"] = 2
    raw = open(write_csv(tmp_path / "b.csv", GOOD + BAD[:1]), "rb").read()
    job = create_job("achievements", raw, "b.csv", 0, None)
    kind = get_kind("achievements")
    job.state, job.attempts = ImportState.READING, 1
    updates = stage_rows(job, kind, read_table("achievements", raw, "b.csv")[:2], ImportReport())  # then killed
    if killed_in == "indexing":
        publish(job, kind, updates, ImportReport())
        expected = 2  # what was published stands: the resumed job only indexes and matches it
    else:
        staged = achievements()
        assert {r.status for r in staged} == {ListingStatus.STAGED} and len(staged) == 2
        assert client.get("/achievements/").get_data(as_text=True).count("高镍三元") == 0
        assert client.get(f"/achievements/{staged[0].id}").status_code == 404  # staged rows are nobody's page
        expected = 3  # read again from the start: the staged rows are dropped, every good row published
    job.heartbeat_at = datetime(2020, 1, 1)
    _db.session.commit()
    result = runner.invoke(args=["worker", "--once", "--job", "resume_imports"])
    assert result.exit_code == 0 and "resume_imports: 1" in result.output, result.output
    _db.session.expire_all()
    rows = achievements()
    assert len(rows) == expected and {r.status for r in rows} == {ListingStatus.PUBLISHED}
    assert {r.index_state for r in rows} == {IndexState.SYNCED}
    assert get_index("achievements").ids() >= {str(r.id) for r in rows}
    assert _db.session.get(ImportJob, job.id).state == ImportState.DONE
    sludge = [r.id for r in rows if "污泥" in r.title]
    if sludge:
        assert (need_for_sludge.id, sludge[0]) in {(m.need_id, m.achievement_id)
                                                   for m in _db.session.scalars(_db.select(Match))}


def test_only_a_live_import_keeps_the_heal_away(app):
    """Searches and reindex_pending leave a running import's rows to it, but not a dead job's rows forever."""
    from datetime import datetime
    from matchmaker.importer.services import create_job
    from matchmaker.listings.index import import_running
    from models import ImportState, utcnow

    job = create_job("achievements", b"", "x.csv", 0, None)
    assert not import_running()  # queued, never claimed
    job.state, job.heartbeat_at = ImportState.READING, utcnow()
    _db.session.commit()
    assert import_running()
    job.heartbeat_at = datetime(2020, 1, 1)  # its process died
    _db.session.commit()
    assert not import_running()
