"""Server CPU per request through gunicorn, each page beside the bare 50-row view in the same run.

Absolute times on a shared machine move with whatever else runs; a ratio measured seconds
apart does not. For each page: ROUNDS rounds of (the bare view for SECONDS, the page for
SECONDS), wrk driving 2 connections; the CPU the gunicorn processes (master and workers,
user + system, from /proc) spent in each stretch divided by the requests answered. The medians
over the rounds give ms/request; ratio = bare / page (the goal: >= 0.5, the page costs at most
twice the bare view). The database server's CPU is not counted (SQLite runs inside the worker,
so there it is). Then the whole library's BibTeX through gunicorn: first byte, whole, size, and
the worker's memory before and after.
"""

import http.client
import os
import re
import statistics
import subprocess
import time

ROUNDS = 5
SECONDS = 1
GOAL = 0.5
TICK = os.sysconf("SC_CLK_TCK")


def read(path, mode="r"):
    with open(path, mode) as file:
        return file.read()


def gunicorn_pids(port):
    """The gunicorn master listening on port and its workers."""
    master = None
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmdline = read(f"/proc/{pid}/cmdline", "rb").split(b"\0")
        except OSError:
            continue
        if any(b"gunicorn" in part for part in cmdline) and f"127.0.0.1:{port}".encode() in cmdline:
            master = int(pid)
            break
    if master is None:
        return []
    children = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                stat = read(f"/proc/{pid}/stat")
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                children.append(int(pid))
    return [master, *children]


def cpu_seconds(pids):
    total = 0
    for pid in pids:
        try:
            fields = read(f"/proc/{pid}/stat").rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICK


def drive(binary, port, url, cookie, seconds):
    out = subprocess.run(
        [binary, "-t1", "-c2", f"-d{seconds}s", *(["-H", f"Cookie: {cookie}"] if cookie else []),
         f"http://127.0.0.1:{port}{url}"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    requests = int(re.search(r"(\d+) requests in", out)[1])
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return requests, int(bad[1]) if bad else 0


def stretch(binary, port, pids, url, cookie):
    before = cpu_seconds(pids)
    requests, bad = drive(binary, port, url, cookie, SECONDS)
    spent = cpu_seconds(pids) - before
    return spent * 1000 / max(requests, 1), requests, bad


def ratios(binary, port, pages, cookie, bare="/bench/bare/"):
    """[{page, url, bare_ms, page_ms, ratio, met, requests, non_2xx}] for each (name, url)."""
    pids = gunicorn_pids(port)
    rows = []
    for name, url in pages:
        bare_ms, page_ms, requests, bad = [], [], 0, 0
        for _ in range(ROUNDS):
            ms, _, _ = stretch(binary, port, pids, bare, None)
            bare_ms.append(ms)
            ms, n, b = stretch(binary, port, pids, url, cookie)
            page_ms.append(ms)
            requests, bad = requests + n, bad + b
        row = {
            "page": name,
            "url": url,
            "bare_ms": round(statistics.median(bare_ms), 2),
            "page_ms": round(statistics.median(page_ms), 2),
            "requests": requests,
            "non_2xx": bad,
        }
        row["ratio"] = round(row["bare_ms"] / row["page_ms"], 2) if row["page_ms"] else None
        row["met"] = bool(row["ratio"] and row["ratio"] >= GOAL and not bad)
        rows.append(row)
    return rows


def print_ratios(rows):
    width = max(len(row["page"]) for row in rows)
    print(
        f"\nServer CPU per request through gunicorn (median of {ROUNDS} rounds of {SECONDS} s, each beside the bare view)"
    )
    print(f"{'page':<{width}} {'page ms':>8} {'bare ms':>8} {'ratio':>6}  goal (ratio >= {GOAL})")
    for row in rows:
        verdict = (
            "met" if row["met"] else "NOT met" + (f" ({row['non_2xx']} non-2xx)" if row["non_2xx"] else "")
        )
        print(
            f"{row['page']:<{width}} {row['page_ms']:>8.2f} {row['bare_ms']:>8.2f} {row['ratio']:>6.2f}  {verdict}"
        )


def rss_mb(pids):
    total = 0
    for pid in pids[1:]:
        try:
            total += int(re.search(r"VmRSS:\s+(\d+)", read(f"/proc/{pid}/status"))[1])
        except (OSError, TypeError):
            continue
    return round(total / 1024, 1)


def download(port, url, cookie):
    """The whole of a streamed download: first byte, total seconds, bytes, workers' memory before/after."""
    pids = gunicorn_pids(port)
    memory_before = rss_mb(pids)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    conn.request("GET", url, headers={"Cookie": cookie})
    response = conn.getresponse()
    first = response.read(1)
    first_byte = time.perf_counter() - started
    size = len(first)
    while chunk := response.read(1 << 16):
        size += len(chunk)
    total = time.perf_counter() - started
    conn.close()
    return {
        "url": url,
        "status": response.status,
        "first_byte_s": round(first_byte, 2),
        "total_s": round(total, 2),
        "mib": round(size / 2**20, 1),
        "workers_rss_mb_before_after": [memory_before, rss_mb(pids)],
    }
