"""The Content-Security-Policy leaves the pages working: no violation in the console, charts drawn, the
select that submits its form still does."""


def test_pages_run_under_the_content_security_policy(server, login, accounts):
    page = login(accounts["admin"])
    violations = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    for path in ("/stats/", "/admin/users", "/matches/", "/needs/"):
        response = page.goto(server + path)
        assert response.ok, path
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    page.goto(server + "/stats/")
    page.wait_for_selector("canvas")  # ECharts, served locally, drew its charts
    page.goto(server + "/admin/users")
    page.select_option("select[name=role]", "admin")  # data-autosubmit: app.js submits the form
    page.wait_for_url(lambda url: "role=admin" in url)
    assert violations == []
