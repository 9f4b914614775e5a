"""Screenshots of the pages a broker judges the matching by, from a running demo (scripts/setup.sh).

Logs in as the demo broker with Debian's chromium (Playwright), and saves under docs/: the weekly
shortlist, the match queue, the best match's page and a listing's related panel.

Usage: python scripts/screenshots.py [--base http://127.0.0.1:5000] [--logins instance/demo-logins.txt]
"""
import argparse
import os
import re
import sys

from playwright.sync_api import sync_playwright

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHROMIUM = "/usr/bin/chromium"


def broker_login(path):
    """(e-mail, password) of the first broker in the demo logins file (lines: e-mail, password, role, ...)."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and "@" in parts[0] and parts[0].startswith("broker"):
                return parts[0], parts[1]
    sys.exit(f"no broker login in {path}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:5000")
    parser.add_argument("--logins", default=os.path.join(REPO, "instance", "demo-logins.txt"))
    parser.add_argument("--out", default=os.path.join(REPO, "docs"))
    args = parser.parse_args()
    email, password = broker_login(args.logins)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page.goto(args.base + "/auth/login")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", password)
        page.click("form [type=submit]")
        page.wait_for_load_state()

        def shot(path, name):
            page.goto(args.base + path)
            page.screenshot(path=os.path.join(args.out, name), full_page=True)
            print(name, page.url)

        shot("/roadshows/shortlist", "screenshot-shortlist.png")
        shot("/matches/?sort=score", "screenshot-queue.png")
        hrefs = [a.get_attribute("href") for a in page.locator("main a[href^='/matches/']").all()]
        match = next((h for h in hrefs if re.fullmatch(r"/matches/\d+", h or "")), None)
        if match:
            shot(match, "screenshot-match.png")
        shot("/needs/", "screenshot-needs.png")
        need = page.locator("#results a[href^='/needs/']").first
        if need.count():
            shot(need.get_attribute("href"), "screenshot-related.png")
        browser.close()


if __name__ == "__main__":
    main()
