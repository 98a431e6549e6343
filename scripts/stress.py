"""``make stress``: a bounded load run on loopback (gunicorn + PostgreSQL), then the SQL injection probe and bandit.

1. Builds a fresh PostgreSQL database (``STRESS_DATABASE_URL``, default
   ``postgres://postgres@127.0.0.1:5432/up_stress``): migrate, ``load_demo``, and a few extra logins
   for the load (representatives holding seats in the current congress, members, three activities
   with few places so that waitlists fill up).
2. Starts gunicorn on 127.0.0.1 (production settings: DEBUG off) and, for ``STRESS_SECONDS``
   (default 60), runs logged-in roles concurrently, each a thread with its own session, posting the
   real forms with their CSRF tokens:

   - the chair records welfare visits (each with a unique note) and reads the ledger;
   - proposal teams: a representative drafts a proposal, invites co-signers, submits it, and the
     co-signers confirm at the same time;
   - members register for the activities (places, then waitlist) and read the list and home pages;
   - a reader walks the list pages with filters and searches.

3. Checks that nothing answered 5xx or failed, and that every write the clients saw succeed is in
   the database (and nothing else was written): visits by note, proposals by title with status
   submitted and every co-signature confirmed, registrations per (activity, member) within capacity.
4. Runs ``scripts/sqlmap_probe.sh`` against the same server (when sqlmap is installed;
   ``STRESS_SQLMAP=off`` skips it) and ``scripts/bandit.sh`` (when bandit is installed).

Prints a summary table; exits non-zero on any error. Loopback only.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import random
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

from scripts.harness import PY, ROOT, call_child, free_port, prepare_database, production_env, run

PASSWORD = "Stress-pass-2026!"  # noqa: S105 (throw-away logins in the stress database)
DEMO_PASSWORD = "Demo2026!union"  # noqa: S105 (the documented demo password)


# --------------------------------------------------------------------------- child side (Django loaded)


def _setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "union_portal.settings")
    import django

    django.setup()


def child_prepare() -> dict:
    """Extra logins and activities for the load; returns the ids the clients need."""
    _setup_django()
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from activities.models import Activity
    from congress.models import CongressSession, ProposalCategory, Representative
    from congress.selectors import current_session
    from members.models import Member, Organization, Role, RoleAssignment
    from welfare.services import occasions_for

    User = get_user_model()
    school = Organization.objects.get(code="S01")
    session = current_session(school)
    now = timezone.now()
    today = timezone.localdate()
    if not session.window_open(today):  # the load drafts proposals into a session that is collecting them
        session = CongressSession.objects.create(
            congress=session.congress, number=session.number + 1, date=today + dt.timedelta(days=60),
            collection_opens=today - dt.timedelta(days=1), collection_closes=today + dt.timedelta(days=30),
        )
    seats = list(
        Representative.objects.filter(congress=session.congress, kind=Representative.Kind.FORMAL, member__user__isnull=True,
                                      member__status="active")
        .select_related("member").order_by("pk")[:9]
    )
    reps = []
    for i, seat in enumerate(seats, 1):
        user = User.objects.create_user(f"stress_rep{i}", password=PASSWORD)
        Member.objects.filter(pk=seat.member_id).update(user=user)
        RoleAssignment.objects.create(user=user, role=Role.REPRESENTATIVE, organization=school)
        reps.append({"username": user.username, "seat": seat.pk})
    taken = {s.member_id for s in seats}
    members = []
    for i, m in enumerate(
        Member.objects.within(school).filter(status="active", user__isnull=True, is_union_member=True)
        .exclude(pk__in=taken).order_by("staff_no")[:12], 1
    ):
        user = User.objects.create_user(f"stress_mem{i}", password=PASSWORD)
        Member.objects.filter(pk=m.pk).update(user=user)
        RoleAssignment.objects.create(user=user, role=Role.MEMBER, organization=m.organization)
        members.append({"username": user.username, "member": m.pk})
    activities = [
        Activity.objects.create(
            organizer=school, title=f"压力测试活动{i}", type="sports", status="open", audience="all",
            starts_at=now + dt.timedelta(days=3), ends_at=now + dt.timedelta(days=3, hours=2),
            registration_opens_at=now - dt.timedelta(hours=1), registration_closes_at=now + dt.timedelta(days=2),
            capacity=capacity,
        ).pk
        for i, capacity in enumerate((3, 5, 8), 1)
    ]
    visit_targets = list(
        Member.objects.within(school).filter(status="active").order_by("staff_no").values_list("staff_no", flat=True)[:80]
    )
    return {
        "reps": reps,
        "members": members,
        "activities": activities,
        "occasions": list(occasions_for(school).filter(code__in=["hospitalisation", "marriage", "childbirth"])
                          .values_list("pk", flat=True)),
        "visit_targets": visit_targets,
        "category": ProposalCategory.objects.filter(school=school, is_active=True).order_by("pk").first().pk,
        "min_cosigners": session.congress.min_cosigners,
        "session": session.pk,
    }


def child_verify(expected_path: str) -> dict:
    """Compare what the clients saw succeed with the database."""
    _setup_django()
    from activities.models import Activity, Registration
    from congress.models import CoSignature, Proposal
    from welfare.models import WelfareVisit

    exp = json.loads(Path(expected_path).read_text())
    run = exp["run"]
    problems: list[str] = []
    notes = set(WelfareVisit.objects.filter(notes__startswith=f"压力测试 {run}-").values_list("notes", flat=True))
    if notes != set(exp["visits"]):
        problems.append(f"visits: {len(notes)} in the database, {len(exp['visits'])} seen by the client; "
                        f"missing {sorted(set(exp['visits']) - notes)[:3]}, extra {sorted(notes - set(exp['visits']))[:3]}")
    proposals = {p.title: p for p in Proposal.objects.filter(title__startswith=f"压力测试提案 {run}-")}
    if set(proposals) != set(exp["proposals"]):
        problems.append(f"proposals: {len(proposals)} in the database, {len(exp['proposals'])} seen by the client")
    for title, want in exp["proposals"].items():
        p = proposals.get(title)
        if p is None:
            continue
        confirmed = CoSignature.objects.filter(proposal=p, status=CoSignature.Status.CONFIRMED).count()
        if p.status != want["status"] or confirmed != want["confirmed"]:
            problems.append(f"{title}: status {p.status}, {confirmed} confirmed; client expected {want}")
    regs = set(
        Registration.objects.filter(activity_id__in=exp["activities"], member__user__username__startswith="stress_mem")
        .exclude(status=Registration.Status.CANCELLED)
        .values_list("activity_id", "member__user__username")
    )
    seen = {(a, u) for a, u in exp["registrations"]}
    if regs != seen:
        problems.append(f"registrations: {len(regs)} in the database, {len(seen)} seen by the client")
    for activity in Activity.objects.filter(pk__in=exp["activities"]):
        placed = activity.registrations.filter(status=Registration.Status.REGISTERED).count()
        if placed > activity.capacity:
            problems.append(f"activity {activity.pk}: {placed} places taken of {activity.capacity}")
    return {
        "problems": problems,
        "visits": len(notes),
        "proposals": len(proposals),
        "cosignatures": CoSignature.objects.filter(proposal__in=proposals.values(),
                                                   status=CoSignature.Status.CONFIRMED).count(),
        "registrations": len(regs),
        "waitlisted": Registration.objects.filter(activity_id__in=exp["activities"],
                                                  status=Registration.Status.WAITLISTED).count(),
    }


CHILD = {"prepare": child_prepare, "verify": child_verify}


# --------------------------------------------------------------------------- HTTP client (stdlib only)


class _LoopbackPolicy(http.cookiejar.DefaultCookiePolicy):
    """Production cookies are Secure; the load runs over plain HTTP on loopback, so send them anyway."""

    def return_ok_secure(self, cookie, request):
        return True

    def set_ok_secure(self, cookie, request):  # pragma: no cover - older Pythons
        return True


class Client:
    """One logged-in browser: a cookie jar, CSRF-aware posts, every answer tallied."""

    def __init__(self, base: str, stats: Stats, role: str):
        self.base, self.stats, self.role = base, stats, role
        self.jar = http.cookiejar.CookieJar(policy=_LoopbackPolicy())
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def _csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def request(self, method: str, path: str, data: dict | list | None = None, *, expect=(200,)) -> tuple[int, str, str]:
        url = urllib.parse.quote(path if path.startswith("http") else self.base + path, safe=":/?&=%#+")
        body = None
        headers = {"User-Agent": f"union-stress/{self.role}"}
        if method == "POST":
            pairs = list(data.items()) if isinstance(data, dict) else list(data or [])
            pairs.append(("csrfmiddlewaretoken", self._csrf()))
            body = urllib.parse.urlencode(pairs, doseq=True).encode()
            headers["Referer"] = url
        req = urllib.request.Request(url, data=body, method=method, headers=headers)  # noqa: S310 (loopback)
        t0 = time.perf_counter()
        try:
            with self.opener.open(req, timeout=60) as resp:  # noqa: S310 (loopback URL built here)
                status, final, text = resp.status, resp.geturl(), resp.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            status, final, text = exc.code, url, exc.read().decode("utf-8", "replace")
        except OSError as exc:
            status, final, text = 0, url, str(exc)
        self.stats.record(self.role, method, path, status, time.perf_counter() - t0, ok=status in expect)
        return status, final, text

    def get(self, path: str, **kw):
        return self.request("GET", path, **kw)

    def post(self, path: str, data, **kw):
        return self.request("POST", path, data, **kw)

    def login(self, username: str, password: str) -> None:
        self.get("/accounts/login/")
        status, final, _ = self.post("/accounts/login/", {"username": username, "password": password})
        if status != 200 or final.rstrip("/").endswith("/accounts/login"):
            raise RuntimeError(f"login failed for {username} (HTTP {status})")
        with self.stats.lock:
            self.stats.logins.append(username)


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.by_role: Counter = Counter()
        self.status: Counter = Counter()
        self.errors: list[str] = []
        self.latencies: list[float] = []
        self.writes: Counter = Counter()
        self.logins: list[str] = []

    def reset_timing(self):
        """Logins (deliberately slow password hashing) are not part of the timed load."""
        with self.lock:
            self.login_requests = sum(self.status.values())
            self.by_role.clear()
            self.status.clear()
            self.latencies.clear()

    def record(self, role, method, path, status, seconds, ok):
        with self.lock:
            self.by_role[role] += 1
            self.status[status] += 1
            self.latencies.append(seconds)
            if not ok:
                self.errors.append(f"{role} {method} {path} → {status}")

    def fail(self, message: str):
        with self.lock:
            self.errors.append(message)


# --------------------------------------------------------------------------- the roles

GO = threading.Event()  # set once every client has logged in: the timed load starts together


def _ready(stop: threading.Event) -> None:
    GO.wait(timeout=600)


def _guarded(fn, stats: Stats):
    """Run a role; an exception in the client is an error of the run, never a silent dead thread."""

    def run(*args):
        try:
            fn(*args)
        except BaseException as exc:  # noqa: BLE001 (reported in the summary)
            stats.fail(f"{fn.__name__}: {type(exc).__name__}: {exc}")

    return run


def role_chair(base, stats, info, run, stop, expected, lock):
    c = Client(base, stats, "chair")
    c.login("chair", DEMO_PASSWORD)
    _ready(stop)
    rng = random.Random(1)
    n = 0
    while not stop.is_set():
        n += 1
        note = f"压力测试 {run}-{n}"
        c.get("/welfare/visits/new/")
        status, final, page = c.post("/welfare/visits/new/", {
            "member_ref": rng.choice(info["visit_targets"]), "occasion": rng.choice(info["occasions"]),
            "visited_on": time.strftime("%Y-%m-%d"), "cash_amount": rng.choice(["200", "300", "500"]),
            "gift_description": "", "gift_value": "0", "funding_source": "union_funds", "visitors_text": "",
            "notes": note,
        })  # fmt: skip
        if status == 200 and "/welfare/ledger/" in final and "已登记慰问" in page:
            with lock:
                expected["visits"].append(note)
                stats.writes["welfare visit"] += 1
        elif status == 200:
            stats.fail(f"chair: visit {note} not recorded ({final})")
        c.get("/welfare/ledger/?start=2021-01-01&end=2030-12-31")
        c.get("/welfare/")


def role_proposal_team(base, stats, info, run, stop, expected, lock, team: list[dict], index: int):
    proposer = Client(base, stats, "representative")
    proposer.login(team[0]["username"], PASSWORD)
    cosigners = []
    for rep in team[1:]:
        cl = Client(base, stats, "representative")
        cl.login(rep["username"], PASSWORD)
        cosigners.append((cl, rep))
    _ready(stop)
    n = 0
    while not stop.is_set():
        n += 1
        title = f"压力测试提案 {run}-{index}-{n}：关于改善教工食堂就餐环境的建议"
        proposer.get("/congress/proposals/new/")
        status, final, _ = proposer.post("/congress/proposals/new/", {
            "title": title, "category": info["category"], "reasons": "午餐时段排队时间长，座位不足。",
            "measures": "增设取餐窗口，错峰就餐。", "suggested_department": "",
        })  # fmt: skip
        m = re.search(r"/congress/proposals/(\d+)/$", final)
        if status != 200 or not m:
            stats.fail(f"representative: draft {title} not created ({final})")
            continue
        pk = int(m.group(1))
        with lock:
            expected["proposals"][title] = {"status": "draft", "confirmed": 0}
            stats.writes["proposal drafted"] += 1
        proposer.post(f"/congress/proposals/{pk}/invite/", [("representatives", r["seat"]) for _c, r in cosigners])
        status, _final, page = proposer.post(f"/congress/proposals/{pk}/submit/", {})
        if "等待附议人确认" not in page and "已进入审查" not in page:
            stats.fail(f"representative: submit of {pk} gave no confirmation")
        with lock:
            expected["proposals"][title]["status"] = "collecting"
        barrier = threading.Barrier(len(cosigners))
        confirmed: list[int] = []

        def confirm(cl, barrier=barrier, pk=pk, confirmed=confirmed):
            _s, _f, detail = cl.get(f"/congress/proposals/{pk}/")
            cs = re.search(r"/congress/cosignatures/(\d+)/", detail)
            if not cs:
                stats.fail(f"co-signer: no invitation on proposal {pk}")
                return
            barrier.wait(timeout=30)
            _s, _f, page = cl.post(f"/congress/cosignatures/{cs.group(1)}/", {"answer": "confirm"})
            if "已确认附议" in page:
                with lock:
                    confirmed.append(1)
                    stats.writes["co-signature"] += 1

        threads = [threading.Thread(target=confirm, args=(cl,)) for cl, _r in cosigners]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        with lock:
            want = expected["proposals"][title]
            want["confirmed"] = len(confirmed)
            want["status"] = "submitted" if len(confirmed) >= info["min_cosigners"] else "collecting"
        proposer.get("/congress/proposals/?view=mine")


def role_member(base, stats, info, run, stop, expected, lock, member: dict):
    c = Client(base, stats, "member")
    c.login(member["username"], PASSWORD)
    _ready(stop)
    rng = random.Random(member["member"])
    todo = list(info["activities"])
    rng.shuffle(todo)
    while not stop.is_set():
        if todo:
            pk = todo.pop()
            c.get(f"/activities/{pk}/")
            status, _final, page = c.post(f"/activities/{pk}/register/", {})
            if "报名成功" in page or "候补名单" in page:
                with lock:
                    expected["registrations"].append([pk, member["username"]])
                    stats.writes["registration"] += 1
            else:
                stats.fail(f"member {member['username']}: registration for {pk} not confirmed")
        for path in ("/activities/", "/", "/congress/suggestions/"):
            if stop.is_set():
                break
            c.get(path)
        time.sleep(rng.uniform(0.05, 0.3))


READS = [
    "/members/", "/members/?q=王", "/members/?status=retired&ordering=-hired_on", "/members/?page=2",
    "/welfare/ledger/", "/welfare/ledger/?start=2021-01-01&end=2021-12-31&funding_source=union_funds",
    "/welfare/ledger/?member=张", "/congress/proposals/", "/congress/proposals/?status=replied&q=食堂",
    "/activities/", "/activities/?type=sports&year=2021", "/activities/calendar/", "/reports/", "/welfare/caps/",
    "/activities/stats/", "/congress/supervision/",
]
CHAIR_READS = ["/members/audit/?action=login", "/members/export.xlsx?status=active", "/welfare/ledger/export/"]


def role_reader(base, stats, info, run, stop, expected, lock, username: str, seed: int):
    c = Client(base, stats, "reader")
    c.login(username, DEMO_PASSWORD)
    _ready(stop)
    rng = random.Random(seed)
    paths = READS + (CHAIR_READS if username == "chair" else [])
    while not stop.is_set():
        c.get(rng.choice(paths))


# --------------------------------------------------------------------------- parent side


def _env(url: str, **extra) -> dict:
    return production_env(url, name="stress", AXES_FAILURE_LIMIT="1000",
                          MEDIA_ROOT=str(ROOT / "out" / "stress-media"), **extra)


def _child(url: str, name: str, *args) -> dict:
    return call_child("scripts.stress", _env(url), name, *args)


def _prepare_db(url: str) -> None:
    env = _env(url)
    prepare_database(url, env, demo_args=[], label="stress", analyze=False)
    run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], env, label="stress")


def _session_cookie(base: str) -> str:
    """A chair session cookie for sqlmap (a real login through the form)."""
    stats = Stats()
    c = Client(base, stats, "sqlmap")
    c.login("chair", DEMO_PASSWORD)
    return next(f"sessionid={ck.value}" for ck in c.jar if ck.name == "sessionid")


def _start_server(url: str, port: int) -> subprocess.Popen:
    """gunicorn on ``port`` against ``url``'s database; returns once /healthz answers (or after 30 s)."""
    server = subprocess.Popen(
        [PY, "-m", "gunicorn", "union_portal.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "3",
         "--threads", "2", "--timeout", "60", "--log-level", "warning", "--error-logfile", "-"],
        cwd=ROOT, env=_env(url), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)  # noqa: S310 (loopback)
            break
        except OSError:
            time.sleep(0.2)
    return server


def _stop_server(server: subprocess.Popen) -> str:
    """Terminate gunicorn and return its error log ('' when it had to be killed)."""
    server.terminate()
    try:
        return server.communicate(timeout=30)[1]
    except subprocess.TimeoutExpired:
        server.kill()
        return ""


def _workers(base: str, stats: Stats, info: dict, stop, expected: dict, lock) -> tuple[list, int, str]:
    """The client threads (chair, proposal teams, members, readers), the logins they need, and a description."""
    run = expected["run"]
    k = info["min_cosigners"] + 1
    teams = [info["reps"][i:i + k] for i in range(0, len(info["reps"]) - k + 1, k)][:3]
    common = (base, stats, info, run, stop, expected, lock)
    workers = [threading.Thread(target=_guarded(role_chair, stats), args=common)]
    workers += [threading.Thread(target=_guarded(role_proposal_team, stats), args=(*common, t, i))
                for i, t in enumerate(teams, 1)]  # fmt: skip
    workers += [threading.Thread(target=_guarded(role_member, stats), args=(*common, m)) for m in info["members"]]
    workers += [threading.Thread(target=_guarded(role_reader, stats), args=(*common, u, i))
                for i, u in enumerate(("committee", "chair"))]  # fmt: skip
    logins_needed = 1 + len(teams) * k + len(info["members"]) + 2
    text = f"{len(workers)} clients ({len(teams)} proposal teams of {k}, {len(info['members'])} members, chair, 2 readers)"
    return workers, logins_needed, text


def _run_load(url: str, base: str, info: dict, seconds: int) -> tuple[list[tuple[str, str]], bool]:
    """Run the bounded mixed load for ``seconds``, then verify every write in the database; (rows, failed)."""
    stats = Stats()
    expected = {"run": time.strftime("%H%M%S"), "visits": [], "proposals": {}, "registrations": [],
                "activities": info["activities"]}  # fmt: skip
    stop = threading.Event()
    workers, logins_needed, text = _workers(base, stats, info, stop, expected, threading.Lock())
    print(f"Load: {text} for {seconds} s on {base}…", flush=True)
    for w in workers:
        w.start()
    while len(stats.logins) < logins_needed and not stats.errors:
        time.sleep(0.2)
    stats.reset_timing()
    GO.set()
    t0 = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for w in workers:
        w.join(timeout=120)
    elapsed = time.perf_counter() - t0
    exp_path = ROOT / "out" / "stress-expected.json"
    exp_path.parent.mkdir(exist_ok=True)
    exp_path.write_text(json.dumps(expected, ensure_ascii=False))
    verify = _child(url, "verify", str(exp_path))
    total = sum(stats.status.values())
    five = sum(n for s, n in stats.status.items() if s >= 500 or s == 0)
    lat = sorted(stats.latencies)
    rows = [
        ("requests served", f"{total} in {elapsed:.0f} s ({total / elapsed:.0f}/s) after {len(stats.logins)} logins "
                            f"({stats.login_requests} requests); by role {dict(stats.by_role)}"),
        ("status codes", ", ".join(f"{s}: {n}" for s, n in sorted(stats.status.items()))),
        ("latency", f"p50 {lat[len(lat) // 2] * 1000:.0f} ms, p99 {lat[int(len(lat) * 0.99)] * 1000:.0f} ms, "
                    f"max {lat[-1] * 1000:.0f} ms"),
        ("5xx / connection errors", str(five)),
        ("client-side errors", f"{len(stats.errors)}" + (f": {stats.errors[:5]}" if stats.errors else "")),
        ("writes seen by clients", ", ".join(f"{k}: {v}" for k, v in sorted(stats.writes.items()))),
        ("writes in the database", f"visits {verify['visits']}, proposals {verify['proposals']}, "
                                   f"co-signatures {verify['cosignatures']}, registrations {verify['registrations']} "
                                   f"({verify['waitlisted']} waitlisted)"),
        ("accounting", "every write accounted for" if not verify["problems"] else "; ".join(verify["problems"])),
    ]
    return rows, bool(five or stats.errors or verify["problems"])


def _sqlmap_row(base: str) -> tuple[tuple[str, str], bool]:
    """The sqlmap probe's summary row and whether it failed (skipped when sqlmap is absent or turned off)."""
    if not shutil.which("sqlmap") or os.environ.get("STRESS_SQLMAP", "on") == "off":
        return ("sqlmap", "skipped (apt-get install sqlmap)"), False
    print("SQL injection probe (sqlmap)…", flush=True)
    proc = subprocess.run(["bash", str(ROOT / "scripts" / "sqlmap_probe.sh"), base, _session_cookie(base)],
                          cwd=ROOT, capture_output=True, text=True)  # fmt: skip
    summary = [ln for ln in proc.stdout.splitlines() if ln.startswith("sqlmap:")]
    return ("sqlmap", (" | ".join(summary) or proc.stdout[-300:]) + f" (exit {proc.returncode})"), proc.returncode != 0


def _bandit_row() -> tuple[tuple[str, str], bool]:
    """bandit's summary row against the reviewed baseline, and whether it found anything new."""
    if not (shutil.which("bandit") or (Path(PY).parent / "bandit").exists()):
        return ("bandit", "skipped (pip install bandit)"), False
    proc = subprocess.run(["bash", str(ROOT / "scripts" / "bandit.sh")], cwd=ROOT, capture_output=True, text=True)
    last = [ln for ln in proc.stdout.splitlines() if ln.startswith("bandit:")]
    return ("bandit", (last[-1] if last else proc.stdout[-300:]) + f" (exit {proc.returncode})"), proc.returncode != 0


def main() -> int:
    """``make stress``: prepare the database, serve it with gunicorn, load it, verify, probe; 0 when all held."""
    url = os.environ.get("STRESS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/up_stress")
    if not url.startswith("postgres"):
        raise SystemExit("make stress needs PostgreSQL: set STRESS_DATABASE_URL=postgres://…")
    seconds = int(os.environ.get("STRESS_SECONDS", "60"))
    started = time.perf_counter()
    print(f"Preparing {url}: migrate, load_demo, collectstatic…", flush=True)
    _prepare_db(url)
    info = _child(url, "prepare")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = _start_server(url, port)
    rows: list[tuple[str, str]] = []
    failed = False
    try:
        rows, failed = _run_load(url, base, info, seconds)
        row, bad = _sqlmap_row(base)
        rows.append(row)
        failed |= bad
    finally:
        server_log = _stop_server(server)
    tracebacks = server_log.count("Internal Server Error") + server_log.count("[CRITICAL]")
    rows.append(("server errors logged", str(tracebacks)))
    row, bad = _bandit_row()
    rows.append(row)
    failed |= bool(tracebacks) or bad
    width = max(len(r[0]) for r in rows)
    print()
    for label, value in rows:
        print(f"{label.ljust(width)} | {value}")
    print(f"\n{'FAILED' if failed else 'OK'} — total {time.perf_counter() - started:.0f} s")
    if failed and server_log:
        print(server_log[-4000:])
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        print(json.dumps(CHILD[sys.argv[2]](*sys.argv[3:]), ensure_ascii=False, default=str))
    else:
        sys.exit(main())
