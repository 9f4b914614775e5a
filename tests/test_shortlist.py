"""The weekly shortlist: ranked by score and freshness, presented matches left out, contacts only for brokers."""
from datetime import datetime, timedelta

from openpyxl import load_workbook
import pytest

from matchmaker.roadshows.services import add_item, create_roadshow
from matchmaker.notifications.mailer import send_due_mail
from matchmaker.roadshows.shortlist import iso_week, mail_weekly_shortlist
from models import MatchState, OutboxEmail, Role, utcnow

from match_data import cover, make_achievement, make_match, make_need, rows
from smtp_server import SmtpServer, free_port

SECRETS = ("need.secret@example.com", "13900000001", "王需求", "ach.secret@example.edu.cn", "02800000002", "李成果")


@pytest.fixture
def week_matches(db, make_user):
    """Four matches this week: one already on a roadshow, one declined, two to list."""
    broker = cover(make_user(Role.BROKER), "06")
    best = make_match(make_need(title="最佳需求"), make_achievement(title="最佳成果"), score=92)
    fresh = make_match(make_need(title="新鲜需求"), make_achievement(title="新鲜成果"), score=80)
    stale = make_match(make_need(title="陈旧需求"), make_achievement(title="陈旧成果"), score=84, age_days=28)
    presented = make_match(make_need(title="已路演需求"), score=99)
    declined = make_match(make_need(title="已婉拒需求"), score=98)
    declined.state = MatchState.DECLINED
    presented.state = MatchState.INTRODUCED
    db.session.commit()
    roadshow = create_roadshow(broker, "周五路演", datetime.now() + timedelta(days=2), place="成都")
    add_item(roadshow, broker, match=presented)
    return broker, [best, fresh, stale]


def read_xlsx(path):
    sheet = load_workbook(path).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    return values[0], values[1:]


def test_public_xlsx_ranks_by_score_and_freshness_without_contacts(runner, tmp_path, week_matches):
    out = tmp_path / "public.xlsx"
    result = runner.invoke(args=["roadshow", "shortlist", "--week", iso_week(utcnow().date()), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "3 matches" in result.output
    header, body = read_xlsx(out)
    assert header[:4] == ["序号", "匹配度", "技术领域", "需求标题"] and "需求电话" not in header
    assert [r[3] for r in body] == ["最佳需求", "新鲜需求", "陈旧需求"]  # 84 four weeks old ranks below 80 fresh
    assert body[0][5] == "最佳成果" and body[0][8] and body[0][9] == "新匹配"
    text = repr(body)
    assert not any(secret in text for secret in SECRETS)


def test_broker_csv_adds_contacts_and_has_a_bom(runner, tmp_path, week_matches):
    out = tmp_path / "broker.csv"
    result = runner.invoke(args=["roadshow", "shortlist", "--week", iso_week(utcnow().date()),
                                 "--audience", "broker", "--out", str(out)])
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0].endswith("成果联系人,成果电话,成果邮箱")
    assert "need.secret@example.com" in text and "02800000002" in text


def test_field_filter_and_past_weeks(runner, tmp_path, week_matches):
    out = tmp_path / "f.xlsx"
    runner.invoke(args=["roadshow", "shortlist", "--week", iso_week(utcnow().date()), "--field", "01",
                        "--out", str(out)])
    assert read_xlsx(out)[1] == []
    last_year = iso_week((utcnow() - timedelta(days=365)).date())
    runner.invoke(args=["roadshow", "shortlist", "--week", last_year, "--out", str(out)])
    assert read_xlsx(out)[1] == []  # the matches did not exist yet
    bad = runner.invoke(args=["roadshow", "shortlist", "--week", "2026-47", "--out", str(out)])
    assert bad.exit_code != 0 and "YYYY-Www" in bad.output


def test_download_button_serves_the_public_xlsx(login_as, tmp_path, week_matches):
    broker = login_as(Role.BROKER)
    page = broker.get("/roadshows/shortlist").get_data(as_text=True)
    assert "最佳需求" in page and "已路演需求" not in page and 'id="download-xlsx"' in page
    response = broker.get(f"/roadshows/shortlist/download?week={iso_week(utcnow().date())}&format=xlsx")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    path = tmp_path / "d.xlsx"
    path.write_bytes(response.data)
    assert [r[3] for r in read_xlsx(path)[1]] == ["最佳需求", "新鲜需求", "陈旧需求"]
    assert login_as(Role.RESEARCHER).get("/roadshows/shortlist/download").status_code == 403


def test_weekly_job_mails_each_broker_once_with_the_xlsx_attached(app, runner, week_matches, make_user, tmp_path):
    broker, _ = week_matches
    other = make_user(Role.BROKER)
    app.config["SHORTLIST_DIR"] = str(tmp_path / "shortlists")
    assert mail_weekly_shortlist() == 2
    assert mail_weekly_shortlist() == 0  # the same week again: nothing new
    mails = rows(OutboxEmail)
    assert sorted(m.to_addr for m in mails) == sorted([broker.email, other.email])
    assert "最佳需求" in mails[0].body and "need.secret@example.com" not in mails[0].body
    result = runner.invoke(args=["worker", "--once", "--job", "weekly_shortlist"])
    assert result.exit_code == 0 and "weekly_shortlist: 0" in result.output

    server = SmtpServer(free_port()).start()
    try:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
        assert send_due_mail()["sent"] == 2
    finally:
        server.stop()
    [attachment] = list(server.inbox.messages[0].iter_attachments())
    assert attachment.get_filename() == f"roadshow-shortlist-{iso_week(utcnow().date())}.xlsx"
    path = tmp_path / "received.xlsx"
    path.write_bytes(attachment.get_content())
    header, body = read_xlsx(path)
    assert header[-1] == "成果邮箱" and [r[3] for r in body] == ["最佳需求", "新鲜需求", "陈旧需求"]


@pytest.mark.parametrize("week", ["9999-W52", "9998-W01", "1999-W52", "2025-W53", "2026-W00", "２０２６-W01"])
def test_a_week_out_of_range_is_a_chinese_error_on_page_and_cli(app, login_as, runner, tmp_path, week):
    page = login_as(Role.BROKER).get("/roadshows/shortlist", query_string={"week": week})
    assert page.status_code == 422 and "年份 2000-2100" in page.get_data(as_text=True)
    result = runner.invoke(args=["roadshow", "shortlist", "--week", week, "--out", str(tmp_path / "s.xlsx")])
    assert result.exit_code == 2 and "年份 2000-2100" in result.output
    assert not (tmp_path / "s.xlsx").exists()


def test_a_week_with_stray_whitespace_is_trimmed_into_the_file_name(app, login_as, runner, tmp_path):
    broker = login_as(Role.BROKER)
    for raw in ("\n2026-W01", " 2026-w1\r"):
        response = broker.get("/roadshows/shortlist/download", query_string={"week": raw, "format": "csv"})
        assert response.status_code == 200
        assert "roadshow-shortlist-2026-W01-public.csv" in response.headers["Content-Disposition"]
    result = runner.invoke(args=["roadshow", "shortlist", "--week", " 2026-w1 ", "--out", str(tmp_path / "s.csv")])
    assert result.exit_code == 0 and "Shortlist 2026-W01 (public)" in result.output
