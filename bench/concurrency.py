"""Time the dashboard under several people browsing at once; prints figures, asserts nothing.

The figures: requests a second, errors, the p50, p95 and slowest page views, the first page
after a new warehouse is published, and the memory of each web worker (issue 14's targets: p95
under 150 ms with 8 people at one-LA scale and under 500 ms at England scale, the first page
after a publish under 300 ms, a web worker under 500 MB).

    .venv/bin/python bench/concurrency.py [--data-dir DIR] [--users 8] [--seconds 20]
                                          [--role analyst]

Serves the warehouse in DIR (default CPD_DATA_DIR or ./data) as `make run` does (`cpd serve
--demo`: gunicorn, 2 threads a worker, WEB_CONCURRENCY or 2 workers as the Procfile has it)
on a free local port. Each person is a session of its own, signed in as the role's demo user
through the demo sign-in form before any timing (slowed down only if the sign-in limit per
address says so), then views every page once to warm the workers, as a running server
would be.

Then each person browses for --seconds over plain HTTP, as the browser does: a page view is
the one Dash callback that renders the page for its URL (`page.children`); every other
callback of the app waits for a click. Each round starts by opening the board overview at
its address (the page itself, `_dash-layout`, `_dash-dependencies`, then the page's
callback), then follows links to the other pages. People start at different pages so they
do not move in step. They do not stop to read, but each page view comes on a new connection
as after reading (gunicorn closes one idle for 2 s), so either worker may take it. The
headline p50, p95 and slowest are over page views; the requests per second and errors count
every request, and any answer but 200 is an error.

Then, the server still warm, a new warehouse is published into DIR as a load publishes one
(etl.warehouse.publish: a copy of the current file under a new name, then the CURRENT pointer
swapped), and the next page views are timed one after another. The figures in it do not
change, but every cache in the workers is keyed by the published file, so each worker works
the pages out afresh, as after a real load. Like any load it leaves the copy as DIR's current
warehouse and prunes the oldest published file it keeps.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # bench/ shadows the package

from dashboard.access import CHILD_LEVEL_ROLES  # noqa: E402
from tests.http import Client  # noqa: E402 - the same calls, payloads and cookies as the tests
from tests.live import free_port  # noqa: E402

ROLES = ("member", "manager", "analyst", "admin")
# (path, query string) of each page a person visits in a round, the board overview first
PAGES = [("/", ""), ("/scorecard", ""), ("/principle/6", ""), ("/outcome/be-healthy", ""),
         ("/indicator/placement_stability_short", ""),
         ("/drill", "?indicator=placement_stability_short"), ("/data-quality", "")]
# what a browser fetches to open the app at an address, before the page's callback (its
# scripts are cached by then: they may be, unlike anything else the app serves)
SHELL = [("the page's address", "/"), ("_dash-layout", "/_dash-layout"),
         ("_dash-dependencies", "/_dash-dependencies")]
# a page that answers 200 but shows one of these did not render what was asked
REFUSED = ("Page not found", "Not available", "The data cannot be opened")
AFTER_PUBLISH_REPEATS = 4  # the board overview's views after a publish, then each other page
# run in a process of its own, as a load is: publish a copy of the current warehouse
PUBLISH = """
import time
from etl.warehouse import publish
started = time.perf_counter()
with publish.load_lock():
    building = publish.start_building()
    publish.publish(building, publish.new_name() + "-bench")
print(time.perf_counter() - started)
"""


def pages_for(role: str) -> list[tuple[str, str]]:
    """The pages a role's round visits: the drill-down only for those who may see it."""
    return [(path, search) for path, search in PAGES
            if path != "/drill" or role in CHILD_LEVEL_ROLES]


def label(path: str, search: str) -> str:
    return path + search


def percentile(values: list[float], share: float) -> float:
    """The value `share` of the way up the sorted values (linear between neighbours)."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    at = share * (len(ordered) - 1)
    low = int(at)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (at - low)


def start_server(data_dir: Path, log) -> tuple[subprocess.Popen, str]:
    """`cpd serve --demo` on a free port; (the master process, its URL) once it answers."""
    port = free_port()
    workers = os.environ.get("WEB_CONCURRENCY", "2")
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("cpd")), "serve", "--demo", "--port", str(port),
         "--workers", workers],
        env={**os.environ, "CPD_DATA_DIR": str(data_dir)}, stdout=subprocess.DEVNULL,
        stderr=log)
    url = f"http://127.0.0.1:{port}"
    for _ in range(1200):
        if server.poll() is not None:
            break
        try:
            urllib.request.urlopen(url + "/sign-in", timeout=2)
            return server, url
        except OSError:
            time.sleep(0.05)
    server.terminate()
    server.wait(timeout=10)
    log.seek(0)
    raise RuntimeError("the dashboard did not start:\n" + log.read().decode(errors="replace"))


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()  # the master stops its workers and the demo's clock
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def demo_session(url: str, role: str) -> Client:
    """A session of its own, signed in as the role's demo user with the demo sign-in form.
    The sign-in limit per address is kept: refused, it waits as long as the answer says."""
    client = Client(url)
    waited = 0.0
    while True:
        response = client.post("/sign-in/demo", data={"csrf": client.form_token(),
                                                      "role": role})
        if response.status_code == 302:
            return client
        if response.status_code != 429 or waited > 180:
            raise RuntimeError(f"the demo {role} could not sign in "
                               f"({response.status_code})")
        pause = float(response.headers.get("Retry-After", 5))
        time.sleep(pause)
        waited += pause


def workers(master: int) -> list[int]:
    """The gunicorn workers: the master's children but the demo's clock."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            if parent == master and b"clock" not in (stat.parent / "cmdline").read_bytes():
                found.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue  # a process that ended meanwhile
    return sorted(found)


def rss_mb(pid: int) -> float:
    """A process's resident memory (VmRSS) in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    """The CPU a process has used so far (user and system)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Timings:
    """Every request's time (ms) by what it was, and the errors, from every person."""

    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = {}
        self.page_views: list[float] = []
        self.requests = 0
        self.errors = 0

    def add(self, what: str, ms: float, ok: bool, page_view: bool) -> None:
        with self.lock:
            self.requests += 1
            self.errors += not ok
            if ok:
                self.times.setdefault(what, []).append(ms)
                if page_view:
                    self.page_views.append(ms)


def timed(fetch) -> tuple[float, bool, str]:
    """(ms, answered 200, the body) of one request."""
    started = time.perf_counter()
    try:
        response = fetch()
        ok, body = response.status_code == 200, response.text
    except OSError:  # requests' connection errors and timeouts are OSErrors
        ok, body = False, ""
    return (time.perf_counter() - started) * 1000, ok, body


def after_reading(client: Client) -> None:
    """A person reads a page for longer than gunicorn keeps an idle connection (2 s), so
    their next page view comes on a new connection, taken by whichever worker is free. (Back
    to back on kept-alive connections, each person stays with the worker that took their
    first: in a trial one worker served all 8 people while the other sat idle.)"""
    client.http.close()


def page_view(client: Client, path: str, search: str) -> tuple[float, bool, str]:
    """A page opened from a link: the page's callback, on a new connection."""
    after_reading(client)
    return timed(lambda: client.page(path, search))


def warm(client: Client, pages: list[tuple[str, str]], problems: list[str]) -> None:
    """Each page once, untimed, noting any the role is refused or that fails."""
    for path, search in pages:
        _, ok, body = page_view(client, path, search)
        if not ok or any(word in body for word in REFUSED):
            problems.append(label(path, search))


def browse(client: Client, pages: list[tuple[str, str]], first: int, start: threading.Barrier,
           seconds: float, timings: Timings) -> None:
    """Rounds of the pages from `first` on, for `seconds`; the board overview is opened at its
    address (the app's shell, then its callback), the other pages from links (the callback)."""
    start.wait()
    deadline = time.perf_counter() + seconds
    at = first
    while time.perf_counter() < deadline:
        path, search = pages[at % len(pages)]
        if path == "/":
            after_reading(client)
            for what, address in SHELL:
                ms, ok, _ = timed(lambda: client.get(address))
                timings.add(f"{what} (opening the app)", ms, ok, page_view=False)
        ms, ok, _ = timed(lambda: client.page(path, search)) if path == "/" else \
            page_view(client, path, search)
        timings.add(label(path, search), ms, ok, page_view=True)
        at += 1


def publish_copy(data_dir: Path) -> float:
    """Publish a copy of the current warehouse as a load publishes; the seconds it took."""
    done = subprocess.run([sys.executable, "-c", PUBLISH], cwd=ROOT, check=True,
                          env={**os.environ, "CPD_DATA_DIR": str(data_dir)},
                          capture_output=True, text=True)
    return float(done.stdout.strip().splitlines()[-1])


def measure(data_dir: Path, *, users: int = 8, seconds: float = 20,
            role: str = "analyst") -> dict:
    """Serve DIR, sign `users` people in as `role`, let them browse for `seconds`, publish a
    copy of the warehouse and time the pages after it; the figures (times in ms, memory in
    MB)."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    data_dir = Path(data_dir).resolve()
    pages = pages_for(role)
    with tempfile.TemporaryFile() as log:
        server, url = start_server(data_dir, log)
        try:
            clients = [demo_session(url, role) for _ in range(users)]
            problems: list[str] = []
            warming = [threading.Thread(target=warm, args=(c, pages, problems))
                       for c in clients]
            for thread in warming:
                thread.start()
            for thread in warming:
                thread.join()
            if problems:
                raise RuntimeError(f"pages the demo {role} could not open: "
                                   f"{', '.join(sorted(set(problems)))}")

            timings = Timings()
            start = threading.Barrier(users + 1)
            people = [threading.Thread(target=browse, args=(
                c, pages, i * len(pages) // users, start, seconds, timings))
                for i, c in enumerate(clients)]
            for thread in people:
                thread.start()
            serving = workers(server.pid)
            worker_cpu = [cpu_seconds(pid) for pid in serving]
            start.wait()
            began, client_cpu = time.perf_counter(), time.process_time()
            for thread in people:
                thread.join()
            elapsed = time.perf_counter() - began
            # the people's own CPU (requests, threads), taken from the same machine's cores
            client_cpu = time.process_time() - client_cpu
            # each worker's CPU while the people browsed: a worker near 1 s a second is
            # held by its GIL, whatever its threads
            worker_cpu = [cpu_seconds(pid) - used for pid, used in zip(serving, worker_cpu)]

            publish_seconds = publish_copy(data_dir)
            reader = clients[0]
            after = [(label(p, s), page_view(reader, p, s))
                     for p, s in [pages[0]] * AFTER_PUBLISH_REPEATS + pages[1:]]
            rss = [rss_mb(pid) for pid in workers(server.pid)]
        finally:
            stop_server(server)

    views = timings.page_views
    return {
        "users": users, "seconds": seconds, "role": role,
        "requests": timings.requests, "errors": timings.errors,
        "requests_per_second": round(timings.requests / elapsed, 1),
        "client_cpu_seconds": round(client_cpu, 1),
        "worker_cpu_seconds_each": [round(used, 1) for used in worker_cpu],
        "page_views": len(views),
        "p50_ms": round(percentile(views, 0.5), 1) if views else None,
        "p95_ms": round(percentile(views, 0.95), 1) if views else None,
        "max_ms": round(max(views), 1) if views else None,
        "first_page_after_publish_ms": round(after[0][1][0], 1) if after[0][1][1] else None,
        "after_publish_ms": [[what, round(ms, 1), ok] for what, (ms, ok, _) in after],
        "publish_seconds": round(publish_seconds, 2),
        "worker_rss_mb": round(max(rss), 1) if rss else None,
        "worker_rss_mb_each": [round(mb, 1) for mb in rss],
        "pages": {what: {"count": len(times), "p50_ms": round(percentile(times, 0.5), 1),
                         "p95_ms": round(percentile(times, 0.95), 1),
                         "max_ms": round(max(times), 1)}
                  for what, times in timings.times.items()},
    }


def print_figures(figures: dict) -> None:
    who = "person" if figures["users"] == 1 else "people"
    print(f"{figures['users']} {who} as the demo {figures['role']} for {figures['seconds']:g} "
          f"s: {figures['requests']} requests ({figures['requests_per_second']}/s), "
          f"{figures['errors']} errors; the people themselves used "
          f"{figures['client_cpu_seconds']:.1f} s of CPU on this machine, the web workers "
          f"{', '.join(f'{used:.1f}' for used in figures['worker_cpu_seconds_each'])} s")
    print(f"{'page view (ms)':<48} {'count':>6} {'p50':>7} {'p95':>7} {'max':>7}")
    shown = [label(p, s) for p, s in PAGES] + [f"{what} (opening the app)" for what, _ in SHELL]
    for what in sorted(figures["pages"], key=shown.index):
        row = figures["pages"][what]
        print(f"{what:<48} {row['count']:>6} {row['p50_ms']:>7.0f} {row['p95_ms']:>7.0f} "
              f"{row['max_ms']:>7.0f}")
    if figures["page_views"]:
        print(f"{'every page view':<48} {figures['page_views']:>6} {figures['p50_ms']:>7.0f} "
              f"{figures['p95_ms']:>7.0f} {figures['max_ms']:>7.0f}")
    first = figures["first_page_after_publish_ms"]
    print(f"first page after a publish: {'failed' if first is None else f'{first:.0f} ms'} "
          f"(publishing took {figures['publish_seconds']:.2f} s); then, one after another:")
    print("  " + ", ".join(f"{what} {ms:.0f}" + ("" if ok else " (error)")
                           for what, ms, ok in figures["after_publish_ms"][1:]))
    print(f"web workers' memory (RSS): "
          f"{', '.join(f'{mb:.0f}' for mb in figures['worker_rss_mb_each'])} MB "
          f"(largest {figures['worker_rss_mb'] or 0:.0f} MB)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=os.environ.get("CPD_DATA_DIR", "data"))
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--role", default="analyst", choices=ROLES)
    args = parser.parse_args()
    print_figures(measure(Path(args.data_dir), users=args.users, seconds=args.seconds,
                          role=args.role))
    return 0


if __name__ == "__main__":
    sys.exit(main())
