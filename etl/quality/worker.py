"""The data-quality suite in a process of its own, started as a load begins.

Importing great-expectations costs three to four seconds of Python. A thread importing it
beside the validation holds the interpreter lock against it: at alliance scale validation
took 7.7 s beside the import and 3.3 s alone. A spawned process imports it on another core
while the extract is read and validated and the warehouse built; then it runs the suite
over the built warehouse file (committed and closed by the load, opened read-only here) and
writes the load's Data Docs into a folder the load's report takes in.

One process serves every load of a `cpd` command (`load-sample` loads five); a command that
ends, or finds its extract already loaded, stops it rather than wait for it. If it cannot
start or dies, the load runs the suite itself (`submit` or `result` raises `Unavailable`).
"""
from __future__ import annotations

import atexit
import datetime as dt
import logging
import os
import pickle
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)


class Unavailable(Exception):
    """The worker could not run the suite; the load runs it in its own process."""


@dataclass
class Request:
    warehouse: Path  # the built warehouse, closed by the load
    load_id: str
    la_code: str
    period_end: dt.date
    configured: dict | None  # the council's [quality] tolerances
    docs: Path  # a new folder for the load's Data Docs
    title: str  # the Data Docs' heading


class _Records(logging.Handler):
    """The worker's warnings, sent back with its answer: the load logs them as its own."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        record.msg, record.args = record.getMessage(), None  # arguments may not pickle
        record.exc_info = None
        self.records.append(record)


def _send(stream, message) -> None:
    data = pickle.dumps(message)
    stream.write(len(data).to_bytes(8, "big") + data)
    stream.flush()


def _receive(stream):
    """The next message; EOFError once the other end has closed (or died)."""
    head = stream.read(8)
    if len(head) < 8:
        raise EOFError
    data = stream.read(int.from_bytes(head, "big"))
    if len(data) < int.from_bytes(head, "big"):
        raise EOFError
    return pickle.loads(data)


def _die_with(parent: int) -> None:
    """Have the kernel kill this process the moment the load's process ends, however it ends
    (Linux). A load killed part-way must not leave its worker writing Data Docs into the
    reports folder after the next load has cleared what the killed one left."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the pipe's end still ends the worker
        pass
    if os.getppid() != parent:  # the load ended before the kernel was asked
        os._exit(0)


def main(requests: int, answers: int, parent: int) -> None:
    """The worker: import great-expectations, then answer requests until the load's end of
    the pipe closes. Each answer is ("run", QualityRun, records) and then ("docs", built,
    records), or ("failed", the exception's name, records)."""
    _die_with(parent)
    import duckdb

    from etl import quality, report

    quality.import_gx()
    records = _Records()
    logging.getLogger().addHandler(records)
    with open(requests, "rb") as incoming, open(answers, "wb") as outgoing:
        while True:
            try:
                request = _receive(incoming)
            except EOFError:  # the load's process has finished, or gone
                return
            records.records = []
            try:
                con = duckdb.connect(str(request.warehouse), read_only=True)
                try:
                    run = quality.run(con, request.load_id, request.la_code,
                                      request.period_end, request.configured)
                finally:
                    con.close()
            except Exception as err:  # never its message: it can quote data
                _send(outgoing, ("failed", type(err).__name__, records.records))
                continue
            _send(outgoing, ("run", run, records.records))
            records.records = []
            built = report.write_data_docs(run.gx_results, request.docs, request.title)
            _send(outgoing, ("docs", built, records.records))


class Worker:
    """A handle on the worker process: `start` as a load begins, `submit` once the warehouse
    is built and `result` when the load needs the answer, `docs` once it is published.

    A plain subprocess (`python -m etl.quality.worker`), not multiprocessing: a spawned
    multiprocessing child runs the parent's main script again, so a script calling `load`
    without a main guard would load twice. Messages are pickles on a pair of private pipes
    (stdout stays free for anything the libraries print, which goes nowhere)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._to = self._from = None

    def start(self) -> None:
        """Start the worker if it is not running (it begins importing great-expectations)."""
        with self._lock:
            if self._process is not None and self._process.poll() is None:
                return
            self._stop()
            requests, answers = os.pipe(), os.pipe()
            # the package's parent on the path, as this process has it (an unpackaged tree)
            root = str(Path(__file__).resolve().parents[2])
            env = {**os.environ, "GX_ANALYTICS_ENABLED": "false",
                   "PYTHONPATH": os.pathsep.join(
                       p for p in (root, os.environ.get("PYTHONPATH")) if p)}
            try:
                self._process = subprocess.Popen(
                    [sys.executable, "-m", "etl.quality.worker", str(requests[0]),
                     str(answers[1]), str(os.getpid())], pass_fds=(requests[0], answers[1]),
                    env=env,
                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL, close_fds=True)
            except OSError as err:  # no processes to be had here
                log.warning("data-quality worker did not start (%s); the load runs the "
                            "checks itself", type(err).__name__)
                for fd in (*requests, *answers):
                    os.close(fd)
                return
            os.close(requests[0])
            os.close(answers[1])
            self._to = open(requests[1], "wb")
            self._from = open(answers[0], "rb")

    def submit(self, request: Request) -> None:
        """Ask for the suite's run over a built warehouse (closed by the load, which may
        read it meanwhile, read-only). Raises Unavailable."""
        with self._lock:
            if self._process is None:
                raise Unavailable("not started")
            try:
                _send(self._to, request)
            except OSError:
                self._stop()
                raise Unavailable("the worker stopped") from None

    def result(self):
        """The QualityRun of the request submitted. Raises Unavailable."""
        with self._lock:
            if self._process is None:
                raise Unavailable("not started")
            try:
                kind, answer, records = _receive(self._from)
            except (EOFError, OSError, pickle.UnpicklingError):
                self._stop()
                raise Unavailable("the worker stopped") from None
        _replay(records)
        if kind != "run":
            raise Unavailable(answer)
        return answer

    def docs(self) -> bool:
        """Whether the Data Docs of the last run were built (into its request's folder)."""
        with self._lock:
            if self._process is None:
                return False
            try:
                kind, built, records = _receive(self._from)
            except (EOFError, OSError, pickle.UnpicklingError):
                self._stop()
                return False
        _replay(records)
        return kind == "docs" and built

    def stop(self) -> None:
        with self._lock:
            self._stop()

    def _stop(self) -> None:
        for stream in (self._to, self._from):
            if stream is not None:
                try:
                    stream.close()
                except OSError:
                    pass
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        self._process = self._to = self._from = None


def _replay(records: list[logging.LogRecord]) -> None:
    for record in records:
        logging.getLogger(record.name).handle(record)


WORKER = Worker()
atexit.register(WORKER.stop)  # a command that ends does not wait for a worker still importing

if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))
