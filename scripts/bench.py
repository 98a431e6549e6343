"""``make bench``: side-by-side benchmarks on PostgreSQL, printed as one table.

Every comparison is measured in the same run and reported as a ratio, because
this machine is shared and noisy. Nothing here is asserted by the test suite.

The parent process builds two databases (``<base>_1x``: the demo school at
scale 1; ``<base>_10x``: a district of ``BENCH_SCHOOLS`` schools at scale 10),
then runs each measurement in a child process bound to one database:

1. list pages under load: gunicorn + wrk on loopback, our pages against a
   trivial view and against the Django admin changelist of the same model;
2. report assembly at 1× and 10× with its query count (every figure aggregated from the records,
   as each time a report is created or refreshed);
3. PDF: WeasyPrint in a warm process against headless Chromium printing the same HTML;
4. bulk writes: a 3,400-row roster import and a 3,400-recipient distribution;
5. a district report over every school against one school's.

Environment: ``BENCH_DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/up_bench``),
``BENCH_SECONDS`` (load duration per page, default 8), ``BENCH_SCHOOLS`` (default 5).
Run: ``make bench`` (or ``.venv/bin/python -m scripts.bench``). On an existing 10× database,
``--pages-only`` repeats row 1, ``--report-only`` rows 2 and 5, and ``--pages-inprocess`` prints each
list page's own CPU and SQL time.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from scripts.harness import PY, ROOT, call_child, free_port, prepare_database, production_env, run

# The last full calendar year: the demo is anchored to today (load_demo without --today), so that year
# has a full year of records, as the report a new user builds first.
_LAST_YEAR = time.localtime().tm_year - 1
YEAR_START, YEAR_END = f"{_LAST_YEAR}-01-01", f"{_LAST_YEAR}-12-31"


# --------------------------------------------------------------------------- child side

def _child_setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "union_portal.settings")
    import django

    django.setup()


def child_assemble(org: str, repeat: int) -> dict:
    """Median seconds and query count of assembling a report's figures and HTML.

    Every figure is aggregated from the records (there is no statistics cache: figures are computed
    when a report is created or refreshed); the HTML is rendered each time.
    """
    _child_setup()
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from members.models import Organization
    from reports import figures
    from reports.output import render_html

    node = Organization.objects.get(code=org)
    start, end = dt.date.fromisoformat(YEAR_START), dt.date.fromisoformat(YEAR_END)

    def once() -> tuple[float, int]:
        t0 = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            figs = figures.collect(organization=node, start=start, end=end)
        render_html(_snapshot_for(node, figs))
        return time.perf_counter() - t0, len(ctx.captured_queries)

    once()  # imports, template and connection warm-up
    runs = [once() for _ in range(repeat)]
    return {"median_s": statistics.median(t for t, _ in runs), "queries": runs[-1][1]}


def _snapshot_for(node, figs: dict) -> dict:
    """A report snapshot with the default sections, built without writing a report row."""
    import datetime as dt

    from reports.services import default_sections, default_texts

    start, end = dt.date.fromisoformat(YEAR_START), dt.date.fromisoformat(YEAR_END)
    texts = default_texts(organization=node, start=start, end=end)
    return {
        "organization": {"pk": node.pk, "code": node.code, "name": node.name, "kind": node.kind},
        "period_kind": "calendar_year", "start": YEAR_START, "end": YEAR_END,
        "title": texts["title"], "subtitle": texts["subtitle"], "speaker": "", "report_date": "2022-01-15",
        "salutation": "各位代表、同志们：", "opening": texts["opening"], "show_cover": False, "show_toc": True,
        "sections": [
            {"kind": kind, "title": title, "show_heading": True,
             "blocks": [{"kind": k, "text": v if k in ("narrative", "sentence") else "",
                         "source": v if k in ("table", "chart") else ""} for k, v in blocks]}
            for kind, title, blocks in default_sections()
        ],
        "figures": figs,
    }


def child_pdf(org: str, html_out: str, repeat: int) -> dict:
    """WeasyPrint in a warm process: median seconds, peak RSS (MiB), size and pages; writes the HTML."""
    _child_setup()
    import datetime as dt
    import io
    import resource

    from pypdf import PdfReader

    from members.models import Organization
    from reports import figures
    from reports.output import render_html
    from union_portal.lib.pdf import html_to_pdf

    node = Organization.objects.get(code=org)
    figs = figures.collect(organization=node, start=dt.date.fromisoformat(YEAR_START),
                           end=dt.date.fromisoformat(YEAR_END))
    html = render_html(_snapshot_for(node, figs))
    Path(html_out).write_text(html, encoding="utf-8")
    html_to_pdf(html)  # warm: fonts and stylesheet loaded once per worker
    times, pdf = [], b""
    for _ in range(repeat):
        t0 = time.perf_counter()
        pdf = html_to_pdf(html)
        times.append(time.perf_counter() - t0)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"median_s": statistics.median(times), "peak_mib": peak, "bytes": len(pdf), "pages": pages}


def child_bulk(rows: int) -> dict:
    """Seconds for a roster import of ``rows`` new members and a distribution to ``rows`` recipients."""
    _child_setup()
    import datetime as dt
    import io
    from decimal import Decimal

    from django.db import transaction
    from openpyxl import Workbook

    from members.models import Member, Organization
    from members.services import roster_import
    from welfare.services import distribution_issue

    school = Organization.objects.create(kind="school", code=f"BENCH{int(time.time())}", name="基准测试学校工会")
    for i in range(15):
        Organization.objects.create(kind="sub_union", code=f"{school.code}-{i:02d}", name=f"第{i + 1}分工会", parent=school)
    wb = Workbook()
    ws = wb.active
    ws.append(["基准测试名册"])
    ws.append(["工号", "姓名", "性别", "出生日期", "部门", "分工会", "入职时间", "用工形式"])
    surnames, given = "王李张刘陈杨黄赵吴周徐孙马朱胡郭", "伟芳娜敏静丽强磊军洋勇艳杰娟涛明"
    for i in range(rows):
        ws.append([f"B{i:05d}", surnames[i % 16] + given[(i // 16) % 16] + given[(i // 256) % 16],
                   "女" if i % 3 else "男", f"{1965 + i % 33}-{1 + i % 12:02d}-{1 + i % 28:02d}", f"部门{i % 12}",
                   f"第{1 + i % 15}分工会", f"{1990 + i % 30}/9/1", "在编" if i % 7 else "合同制"])
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    t0 = time.perf_counter()
    result = roster_import(school=school, data=data, filename="bench.xlsx", acting_user=None)
    import_s = time.perf_counter() - t0
    assert result.written and result.created == rows, result.file_error or result.errors[:3]
    t0 = time.perf_counter()
    with transaction.atomic():
        issued = distribution_issue(organization=school, festival="spring", title="基准春节慰问",
                                    distributed_on=dt.date(2021, 2, 1), item="春节大礼包",
                                    value_per_person=Decimal("300.00"))
    dist_s = time.perf_counter() - t0
    assert issued.issued == Member.objects.filter(school=school).count() == rows
    return {"import_s": import_s, "distribution_s": dist_s, "rows": rows}


def child_session(username: str) -> dict:
    """A session key for ``username`` (to pass to wrk as a cookie)."""
    _child_setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    user = get_user_model().objects.get(username=username)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.set_expiry(24 * 3600)
    store.save()
    return {"key": store.session_key}


def child_inprocess(repeat: int) -> dict:
    """Per page, in this process (no HTTP, no queueing): median CPU ms, median SQL wall ms and queries.

    Separates our own cost from the load test's queueing on two shared cores: CPU time is what a
    page costs the worker, SQL time what it waits on PostgreSQL.
    """
    _child_setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    client = Client(SERVER_NAME="localhost")  # an ALLOWED_HOSTS name, as on the bench's server
    client.force_login(get_user_model().objects.get(username="chair"))
    out = {}
    for path in ("/accounts/whoami", "/members/", "/welfare/ledger/", "/congress/proposals/"):
        for _ in range(3):
            assert client.get(path).status_code == 200, path
        cpu, sql, queries = [], [], 0
        for _ in range(repeat):
            spent = [0.0, 0]

            def timed(execute, sql_text, params, many, context, spent=spent):
                t0 = time.perf_counter()
                try:
                    return execute(sql_text, params, many, context)
                finally:
                    spent[0] += time.perf_counter() - t0
                    spent[1] += 1

            with connection.execute_wrapper(timed):
                t0 = time.process_time()
                client.get(path)
                cpu.append(time.process_time() - t0)
            sql.append(spent[0])
            queries = spent[1]
        out[path] = {"cpu_ms": statistics.median(cpu) * 1000, "sql_ms": statistics.median(sql) * 1000,
                     "queries": queries}
    return out


def child_counts() -> dict:
    _child_setup()
    from django.apps import apps

    out = {}
    for label in ("members.Member", "welfare.WelfareVisit", "congress.Proposal", "activities.Activity",
                  "activities.Registration"):
        try:
            out[label] = apps.get_model(label).objects.count()
        except LookupError:
            out[label] = None
    return out


CHILD = {"assemble": child_assemble, "pdf": child_pdf, "bulk": child_bulk, "session": child_session,
         "counts": child_counts, "inprocess": child_inprocess}


# --------------------------------------------------------------------------- parent side

def _db_url(base: str, suffix: str) -> str:
    return re.sub(r"/[^/]*$", f"/{base.rsplit('/', 1)[1]}_{suffix}", base)


def _env(url: str, **extra) -> dict:
    return production_env(url, name="bench", **extra)


def _run(cmd: list[str], env: dict, timeout: int = 1800) -> str:
    return run(cmd, env, label="bench", timeout=timeout)


def _child(url: str, name: str, *args) -> dict:
    return call_child("scripts.bench", _env(url), name, *args)


def _prepare(url: str, demo_args: list[str]) -> float:
    return prepare_database(url, _env(url), demo_args=demo_args, label="bench")


def _wrk(url: str, cookie: str, seconds: int) -> dict:
    out = subprocess.run(["wrk", "-t1", "-c4", f"-d{seconds}s", "--latency", "--timeout", "10s",
                          "-H", f"Cookie: sessionid={cookie}", url], capture_output=True, text=True,
                         timeout=seconds + 60).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def pct(p):
        m = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value if unit == "ms" else value * 1000

    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {"rps": rps, "p50_ms": pct(50), "p99_ms": pct(99), "non2xx": int(non2xx.group(1)) if non2xx else 0}


def _load_pages(url: str, seconds: int) -> list[tuple]:
    port = free_port()
    env = _env(url)
    _run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], env)  # as in production (manifest storage)
    server = subprocess.Popen([PY, "-m", "gunicorn", "union_portal.wsgi:application", "--bind", f"127.0.0.1:{port}",
                               "--workers", "2", "--log-level", "error"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        import urllib.request

        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)  # noqa: S310 (loopback)
                break
            except OSError:
                time.sleep(0.2)
        chair = _child(url, "session", "chair")["key"]
        admin = _child(url, "session", "admin")["key"]
        for path in ("/members/", "/welfare/ledger/", "/congress/proposals/", "/admin/members/member/"):
            status = urllib.request.urlopen(urllib.request.Request(  # noqa: S310 (loopback)
                base + path, headers={"Cookie": f"sessionid={admin if 'admin' in path else chair}"})).status
            if status != 200:
                raise SystemExit(f"{path} answered {status}; the load figures would be meaningless")
        bare = _wrk(base + "/healthz", chair, seconds)
        trivial = _wrk(base + "/accounts/whoami", chair, seconds)
        rows = [("bare view /healthz (no session)", bare, None), ("trivial view /accounts/whoami", trivial, None)]
        pages = [
            ("member list", "/members/", "/admin/members/member/"),
            ("welfare ledger", "/welfare/ledger/", "/admin/welfare/welfarevisit/"),
            ("proposal list", "/congress/proposals/", "/admin/congress/proposal/"),
        ]
        for label, ours, theirs in pages:
            mine = _wrk(base + ours, chair, seconds)
            peer = _wrk(base + theirs, admin, seconds)
            rows.append((label, mine, peer))
        return [(label, mine, peer, trivial) for label, mine, peer in rows]
    finally:
        server.terminate()
        server.wait(timeout=20)


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk (make bench installs it when run as root)")
    base = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/up_bench")
    if not base.startswith("postgres"):
        raise SystemExit("make bench needs PostgreSQL: set BENCH_DATABASE_URL=postgres://…")
    seconds = int(os.environ.get("BENCH_SECONDS", "8"))
    schools = int(os.environ.get("BENCH_SCHOOLS", "5"))
    url1, url10 = _db_url(base, "1x"), _db_url(base, "10x")
    started = time.perf_counter()
    print(f"Preparing {url1} (demo school, scale 1) and {url10} (district of {schools} schools, scale 10)…",
          flush=True)
    load1 = _prepare(url1, [])
    load10 = _prepare(url10, ["--scale", "10", "--district", "--schools", str(schools)])
    counts = _child(url10, "counts")
    print(f"  loaded 1× in {load1:.1f} s, 10× in {load10:.1f} s: {counts}", flush=True)

    lines: list[tuple[str, str, str, str]] = []  # (row, measured, compared with, ratio/target)

    print("Measuring list pages under load…", flush=True)
    for label, mine, peer, trivial in _load_pages(url10, seconds):
        if peer is None:
            lines.append(("1. " + label, f"p50 {mine['p50_ms']:.1f} ms, p99 {mine['p99_ms']:.1f} ms, "
                          f"{mine['rps']:.0f} req/s", "", ""))
            continue
        lines.append((f"1. {label} (10×)",
                      f"p50 {mine['p50_ms']:.1f} ms, p99 {mine['p99_ms']:.1f} ms, {mine['rps']:.0f} req/s"
                      + (f", {mine['non2xx']} non-2xx" if mine["non2xx"] else ""),
                      f"trivial p50 {trivial['p50_ms']:.1f} ms; admin {peer['rps']:.0f} req/s",
                      f"p50 {mine['p50_ms'] / trivial['p50_ms']:.2f}× trivial (≤3); "
                      f"{mine['rps'] / peer['rps']:.2f}× admin throughput (≥1.5)"))

    report_lines = _report_rows(url1, url10, schools)  # rows 2 and 5, measured together
    lines += report_lines[:1]

    print("Measuring PDF rendering…", flush=True)
    html_path = ROOT / "out" / "bench-report.html"
    html_path.parent.mkdir(exist_ok=True)
    pdf = _child(url1, "pdf", "S01", str(html_path), 3)
    chrome = _chromium_pdf(html_path, 3)
    lines.append(("3. PDF WeasyPrint (warm) vs Chromium",
                  f"{pdf['median_s']:.2f} s, peak {pdf['peak_mib']:.0f} MiB, {pdf['bytes'] / 1024:.0f} KiB, "
                  f"{pdf['pages']} pages",
                  f"Chromium {chrome['median_s']:.2f} s, {chrome['bytes'] / 1024:.0f} KiB",
                  f"{pdf['median_s'] / chrome['median_s']:.2f}× Chromium (≤1); <400 MiB; <2 MiB"))

    print("Measuring bulk writes…", flush=True)
    bulk = _child(url10, "bulk", 3400)
    lines.append(("4. roster import, 3,400 rows", f"{bulk['import_s']:.2f} s", "", "target < 15 s"))
    lines.append(("4. distribution, 3,400 recipients", f"{bulk['distribution_s']:.2f} s", "", "target < 3 s"))

    lines += report_lines[1:]

    _print_table(lines)
    print(f"\nData at 10×: {counts}. Total bench time {time.perf_counter() - started:.0f} s.")


def _report_rows(url1: str, url10: str, schools: int) -> list[tuple[str, str, str, str]]:
    """Rows 2 and 5: report assembly for one school at 1× and 10×, and for the district at 10×."""
    print("Measuring report assembly…", flush=True)
    a1 = _child(url1, "assemble", "S01", 5)
    a10 = _child(url10, "assemble", "S01", 5)
    print("Measuring the district report…", flush=True)
    district = _child(url10, "assemble", "BJQ", 3)
    return [
        ("2. report assembly 1× vs 10×",
         f"{a1['median_s'] * 1000:.0f} ms / {a10['median_s'] * 1000:.0f} ms",
         f"queries {a1['queries']} / {a10['queries']}", f"{a10['median_s'] / a1['median_s']:.2f}× (≤1.3)"),
        (f"5. district report, {schools} schools at 10×", f"{district['median_s'] * 1000:.0f} ms",
         f"one school {a10['median_s'] * 1000:.0f} ms; queries {district['queries']}",
         f"{district['median_s'] / a10['median_s']:.2f}× one school (≤2)"),
    ]


def _print_table(lines: list[tuple[str, str, str, str]]) -> None:
    widths = [max(len(row[i]) for row in lines + [("row", "measured", "compared with", "ratio (target)")])
              for i in range(4)]
    header = ("row", "measured", "compared with", "ratio (target)")
    print()
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for row in lines:
        print(" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))


def _chromium_pdf(html_path: Path, repeat: int) -> dict:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    out = html_path.with_suffix(".chromium.pdf")
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--no-first-run", "--no-pdf-header-footer", f"--print-to-pdf={out}", html_path.as_uri()],
                       capture_output=True, timeout=120, check=True)
        times.append(time.perf_counter() - t0)
    return {"median_s": statistics.median(times), "bytes": out.stat().st_size}


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--pages-only":  # re-measure pages on an existing 10x database
        base = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/up_bench")
        for label, mine, peer, trivial in _load_pages(_db_url(base, "10x"), int(os.environ.get("BENCH_SECONDS", "8"))):
            print(label, mine, peer, f"p50 ratio {mine['p50_ms'] / trivial['p50_ms']:.2f}",
                  f"rps vs admin {mine['rps'] / peer['rps']:.2f}" if peer else "")
    elif len(sys.argv) > 1 and sys.argv[1] == "--pages-inprocess":  # our own cost per page, no load
        base = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/up_bench")
        url = _db_url(base, "10x")
        _run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], _env(url))
        for path, row in _child(url, "inprocess", 30).items():
            print(f"{path:24} CPU {row['cpu_ms']:5.1f} ms   SQL {row['sql_ms']:5.1f} ms   {row['queries']} queries")
    elif len(sys.argv) > 1 and sys.argv[1] == "--report-only":  # rows 2 and 5 on existing 1x and 10x databases
        base = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/up_bench")
        _print_table(_report_rows(_db_url(base, "1x"), _db_url(base, "10x"),
                                  int(os.environ.get("BENCH_SCHOOLS", "5"))))
    elif len(sys.argv) > 2 and sys.argv[1] == "--child":
        name, args = sys.argv[2], sys.argv[3:]
        fn = CHILD[name]
        converted = [int(a) if a.isdigit() else a for a in args]
        print(json.dumps(fn(*converted)))
    else:
        main()
