"""Load test of a running matchmaker (loopback only): a mixed workload of the demo's roles.

Each virtual user signs in as a demo account of its role (anonymous visitors do not), then loops: one page
of its role's mix, a think time, again, until --duration seconds or --max-requests requests in all. Prints
requests/s and p50/p95/p99 overall and per page kind, and the errors.

    scripts/setup.sh                        # command one: the demo on http://127.0.0.1:5000
    .venv/bin/python scripts/load_test.py --users 20 --think 1 --duration 60
    .venv/bin/python scripts/load_test.py --users 20 --think 0 --duration 30   # saturation

Pin the server to two cores to measure what a 2-core machine does: `taskset -c 0,1 scripts/setup.sh`
(and run this script on other cores: `taskset -c 2,3 ...`).
"""
import argparse
import http.cookiejar
import random
import re
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
# typed searches of the hall (short queries: what visitors type)
QUERIES = ["污水处理", "锂电池", "正极材料", "图像识别", "机器人", "污泥干化", "催化剂", "新材料", "农业", "芯片",
           "光伏", "氢能", "中药", "传感器", "无人机", "涂层", "复合材料", "大数据", "生物医药", "节能"]
# role -> share of the virtual users
MIX = {"anonymous": 0.40, "researcher": 0.20, "enterprise": 0.15, "broker": 0.20, "admin": 0.05}
PASSWORDS = {"researcher": "Research#2026", "enterprise": "Company#2026", "broker": "Broker#2026",
             "admin": "Admin#2026"}


def pages(role: str, ids: dict) -> list[tuple[str, str]]:
    """(page kind, path) choices of one role, repeated by weight."""
    a, n, m = random.choice(ids["achievements"]), random.choice(ids["needs"]), ids["matches"]
    hall = [("hall_search", f"/achievements/?q={urllib.parse.quote(random.choice(QUERIES))}"),
            ("hall_search", f"/needs/?q={urllib.parse.quote(random.choice(QUERIES))}"),
            ("hall", "/achievements/"), ("detail", f"/achievements/{a}"), ("detail", f"/needs/{n}")]
    if role == "anonymous":
        return hall + [("home", "/")] + hall[:2]
    own = {"researcher": [("dashboard", "/dashboard"), ("mine", "/achievements/mine")],
           "enterprise": [("dashboard", "/dashboard"), ("mine", "/needs/mine")],
           "broker": [("queue", "/matches/"), ("queue", "/matches/")]
           + ([("match", f"/matches/{random.choice(m)}")] * 2 if m else []) + [("roadshows", "/roadshows/")],
           "admin": [("review", "/review/"), ("stats", "/stats/"), ("admin", "/admin/users")]}[role]
    return own + own + hall


class Client:
    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with self.opener.open(self.base + path, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def login(self, email: str, password: str) -> bool:
        _, page = self.get("/auth/login")
        token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page)
        data = urllib.parse.urlencode({"email": email, "password": password,
                                       "csrf_token": token.group(1).decode() if token else ""}).encode()
        try:
            with self.opener.open(self.base + "/auth/login", data=data, timeout=60) as response:
                return "/auth/login" not in response.url
        except urllib.error.HTTPError:
            return False


def demo_accounts(path: str) -> dict[str, list[str]]:
    """role -> demo e-mails, from the demo-logins file command one writes."""
    accounts = defaultdict(list)
    for line in open(path, encoding="utf-8"):
        email = re.search(r"[\w.+-]+@[\w.-]+", line)
        if email:
            role = next((r for r in PASSWORDS if PASSWORDS[r] in line), None)
            if role:
                accounts[role].append(email.group(0))
    return accounts


def discover(base: str, broker: Client | None) -> dict:
    """Ids to visit: listings linked from the halls, matches from a broker's queue."""
    anon = Client(base)
    ids = {}
    for kind in ("achievements", "needs"):
        found = set()
        for page in range(1, 4):
            found |= set(re.findall(rf'href="/{kind}/(\d+)"'.encode(), anon.get(f"/{kind}/?page={page}")[1]))
        ids[kind] = sorted(int(x) for x in found) or [1]
    ids["matches"] = sorted({int(x) for x in re.findall(rb'href="/matches/(\d+)"', broker.get("/matches/")[1])}) \
        if broker else []
    return ids


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", default="http://127.0.0.1:5000")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--think", type=float, default=1.0, help="seconds between two requests of one user")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load (at most 600)")
    parser.add_argument("--max-requests", type=int, default=20000, help="requests in all (at most 100000)")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds at the start not counted")
    parser.add_argument("--logins", default="instance/demo-logins.txt")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    host = urllib.parse.urlparse(args.base_url).hostname
    if host not in LOOPBACK:
        parser.error(f"--base-url must be a loopback address ({', '.join(sorted(LOOPBACK))}), not {host}")
    if not (1 <= args.users <= 200 and 0 < args.duration <= 600 and 0 < args.max_requests <= 100_000):
        parser.error("--users 1-200, --duration up to 600 s, --max-requests up to 100000")
    random.seed(args.seed)
    accounts = demo_accounts(args.logins)
    roles = [role for role, share in MIX.items() for _ in range(round(share * args.users))][:args.users]
    roles += ["anonymous"] * (args.users - len(roles))
    clients = []
    for n, role in enumerate(roles):
        client = Client(args.base_url)
        if role != "anonymous":
            emails = accounts.get(role) or sys.exit(f"no {role} account in {args.logins}")
            if not client.login(emails[n % len(emails)], PASSWORDS[role]):
                sys.exit(f"could not sign in as {emails[n % len(emails)]}")
        clients.append((role, client))
    broker = next((c for r, c in clients if r == "broker"), None)
    ids = discover(args.base_url, broker)

    samples, errors, lock = [], defaultdict(int), threading.Lock()
    start = time.monotonic()
    counted_from, stop_at = start + args.warmup, start + args.warmup + args.duration
    budget = [args.max_requests]

    def user(role: str, client: Client, rng: random.Random):
        time.sleep(rng.random() * max(args.think, 0.1))  # users do not all arrive at once
        while time.monotonic() < stop_at:
            with lock:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
            kind, path = rng.choice(pages(role, ids))
            began = time.monotonic()
            status, _ = client.get(path)
            took = time.monotonic() - began
            if began >= counted_from:
                with lock:
                    samples.append((role, kind, took))
                    if status >= 400:
                        errors[f"{status} {kind}"] += 1
            if args.think:
                time.sleep(rng.expovariate(1 / args.think))

    threads = [threading.Thread(target=user, args=(role, client, random.Random(args.seed + i)), daemon=True)
               for i, (role, client) in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = min(time.monotonic(), stop_at) - counted_from
    times = [t for *_, t in samples]
    print(f"users {args.users}  think {args.think:g} s  measured {elapsed:.0f} s  requests {len(samples)}  "
          f"errors {sum(errors.values())}")
    print(f"throughput {len(samples) / elapsed:.1f} req/s  p50 {percentile(times, .5) * 1000:.0f} ms  "
          f"p95 {percentile(times, .95) * 1000:.0f} ms  p99 {percentile(times, .99) * 1000:.0f} ms")
    by_kind = defaultdict(list)
    for _, kind, took in samples:
        by_kind[kind].append(took)
    for kind, values in sorted(by_kind.items(), key=lambda kv: -len(kv[1])):
        print(f"  {kind:12s} n={len(values):5d}  p50 {percentile(values, .5) * 1000:6.0f} ms  "
              f"p95 {percentile(values, .95) * 1000:6.0f} ms")
    for what, count in sorted(errors.items()):
        print(f"  error {what}: {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
