"""`cpd serve`: the dashboard under gunicorn, as production runs it or as the `make run` demo.

The demo is a mode of the command, never of the environment: it binds to this machine only
(and the app refuses any other address besides), makes one demo user per role, and shows a
"demo" banner on every page. Without `--demo` the app needs a secret key and a way to sign in,
and says so in plain words instead of starting.

The demo also runs `cpd clock` beside the server, so packs are built on the schedule;
production runs the clock as a process of its own (the Procfile's clock line).
"""
from __future__ import annotations

import ipaddress
import os
import subprocess
import sys

from gunicorn.app.base import BaseApplication


class ServeError(Exception):
    """The server cannot start as asked (the CLI prints it and exits 2)."""


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict, demo: bool):
        self.options, self.demo = options, demo
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        # in each worker, after the fork: the warehouse is never opened in the master
        from dashboard.app import create_app

        return create_app(demo=self.demo).server


def demo_manager_teams() -> list[str]:
    """The demo manager's remit: the teams of the first service area at the latest period of
    the default council, so the demo shows a manager who cannot see everything."""
    import duckdb

    from etl.config import default_code
    from etl.warehouse.publish import current_path

    path = current_path()
    if path is None:
        return []
    con = duckdb.connect(str(path), read_only=True)
    try:
        rows = con.execute("""
            SELECT DISTINCT team FROM int_child_attributes
            WHERE la_code = ? AND team IS NOT NULL AND period_end =
                  (SELECT max(period_end) FROM int_child_attributes WHERE la_code = ?)
              AND service_area = (SELECT min(service_area) FROM int_child_attributes
                                  WHERE la_code = ?)
            ORDER BY 1""", [default_code()] * 3).fetchall()
    finally:
        con.close()  # closed before gunicorn forks its workers
    return [r[0] for r in rows]


def serve(host: str, port: int, workers: int, demo: bool) -> None:
    from dashboard import auth, state
    from dashboard.app import create_app

    if demo:
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = host == "localhost"
        if not loopback:
            raise ServeError(f"the demo serves this machine only: --host {host} is not a "
                             "loopback address (use 127.0.0.1)")
        state.ensure_demo_users(demo_manager_teams())
    else:
        try:
            create_app(demo=False)  # the same checks each worker makes, said once, plainly
        except auth.StartupRefused as refused:
            raise ServeError(str(refused)) from None
    server = _Gunicorn({"bind": f"{host}:{port}", "workers": workers, "threads": 2,
                        "accesslog": None, "limit_request_line": 4094}, demo)
    if not demo:  # production runs the clock as its own process (the Procfile's clock line)
        server.run()
        return
    clock = start_clock()
    owner = os.getpid()
    try:
        server.run()
    finally:
        # gunicorn's workers are forks of this process and leave through here too: only the
        # process that started the clock stops it
        if os.getpid() == owner:
            stop_clock(clock)


def start_clock() -> subprocess.Popen:
    """`cpd clock` beside the demo server, so `make run` builds packs on the schedule too."""
    return subprocess.Popen([sys.executable, "-m", "etl.cli", "clock"])


def stop_clock(clock: subprocess.Popen, grace: float = 10) -> None:
    """Stop the clock as SIGTERM asks (a build under way finishes), killing it if it will
    not. Ctrl+C has usually stopped it already: it is in the terminal's process group."""
    if clock.poll() is None:
        clock.terminate()
    try:
        clock.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        clock.kill()
        clock.wait()
