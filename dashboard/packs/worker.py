"""The dashboard's pack builder: one short-lived process per pack asked for on the dashboard.

A pack takes tens of seconds to build (its figures, then Chromium printing it), far longer than
a web request may take, and printing must never happen inside a web worker (architecture.md).
So the request only queues the run (access.request_pack) and calls `start`, which launches
`python -m dashboard.packs.worker RUN_ID` in a session of its own and returns at once; the
process carries out the queued run through build.run_pack, which records each stage, the
file and its provenance, or the failure, in the state database, where the page follows it.
Being its own session, it outlives a web worker that gunicorn restarts meanwhile.
"""
from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import traceback

from dashboard import state

log = logging.getLogger(__name__)


def start(run_id: int) -> None:
    """Start the builder of a queued run and return at once (a few milliseconds). The
    environment is passed on, so the builder reads the same data folder (CPD_DATA_DIR) and
    settings as the app; its errors go to the app's own stderr."""
    process = subprocess.Popen(
        [sys.executable, "-m", "dashboard.packs.worker", str(int(run_id))],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, env=dict(os.environ),
        start_new_session=True, close_fds=True)
    # reaped when it ends, so a long-lived web worker gathers no zombie processes
    threading.Thread(target=process.wait, name=f"pack-run-{run_id}", daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    """Build the queued run named on the command line; 0 when it is done, 1 otherwise."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: "
                        "%(message)s")
    os.umask(0o077)  # the PDF and anything else written is its owner's alone, like the app's
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not args[0].isdigit():
        log.error("usage: python -m dashboard.packs.worker RUN_ID")
        return 2
    run_id = int(args[0])
    from dashboard.packs import build

    run = state.pack_run(run_id)
    if run is None or not run.active:
        log.error("pack run %s is not queued: nothing to build", run_id)
        return 1
    try:
        done = build.run_pack(run.kind, run.la_code, run.period_end, run.trigger,
                              run.requested_by, teams=run.teams, run_id=run.id)
    except Exception as err:  # run_pack records build failures itself; this is anything else
        # where it stopped, without the exception's message: that could quote the data
        log.error("pack run %s stopped with %s:\n%s", run_id, type(err).__name__,
                  "".join(traceback.format_tb(err.__traceback__)))
        state.fail_pack_run(run_id, f"The build stopped ({type(err).__name__}). The server's "
                                    "log has the details.")
        return 1
    log.info("pack run %s %s", run_id, done.status)
    return 0 if done.status == "done" else 1


if __name__ == "__main__":
    sys.exit(main())
