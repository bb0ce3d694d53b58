"""Load on the local server: ``chalice local`` vs ``chalicelib.local_server``, same run.

    python -m benchmarks.load [--seconds 3] [--clients 1,8,32,64] [--out benchmarks/results]

Starts each server on a free 127.0.0.1 port with its own fresh SQLite store
(loopback only, nothing else is contacted) and drives it with closed-loop
clients (threads, ``http.client``): each client sends its next request as
soon as its previous answer is read, for ``--seconds`` per cell; requests
still in flight at the deadline are waited for (and counted). Cells:

* ``GET /v1/pois`` on one keep-alive connection per client,
* ``GET /v1/pois`` on a new connection per request (``Connection: close``),
* ``POST /v1/itineraries`` (a one-day walk; anonymous, limits raised) on
  keep-alive connections.

A failed request (reset, refused, broken pipe, timeout, a status other than
200/201) is an error; resets are also counted on their own (a client whose
connection was reset reconnects). Writes ``load.csv`` (one row per cell) and
``load.md`` with the machine's CPU count.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parents[1]
PLAN_BODY = {"start_date": "2026-05-16", "days": 1, "mode": "walk"}
# A request not answered in time is an error (``timeouts``): it keeps a
# cell bounded when a server drops connections (SYN retransmits: 1 s, 3 s, 7 s).
TIMEOUT_S = {"GET": 10.0, "POST": 120.0}

SERVERS = {
    # what `make run` used to start
    "chalice-local": lambda port: [
        str(Path(sys.executable).parent / "chalice"),
        "local",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--stage",
        "dev",
        "--no-autoreload",
    ],
    # what `make run` starts now
    "local-server": lambda port: [
        sys.executable,
        "-m",
        "chalicelib.local_server",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--stage",
        "dev",
    ],
}

WORKLOADS: dict[str, tuple] = {
    "GET /v1/pois keep-alive": ("GET", "/v1/pois", None, True),
    "GET /v1/pois new-conn": ("GET", "/v1/pois", None, False),
    "POST /v1/itineraries": ("POST", "/v1/itineraries", PLAN_BODY, True),
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """One server process on a fresh store; stopped on exit."""

    def __init__(self, kind: str, workdir: Path) -> None:
        self.kind = kind
        self.port = free_port()
        env = dict(
            os.environ,
            YUEYOU_SQLITE_PATH=str(workdir / f"{kind}.db"),
            YUEYOU_ANONYMOUS_DAILY_PLANS="10000000",
            YUEYOU_ANONYMOUS_RATE_PER_MINUTE="10000000",
        )
        self.log = open(workdir / f"{kind}.log", "w")
        self.proc = subprocess.Popen(
            SERVERS[kind](self.port), cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )

    def __enter__(self) -> Server:
        deadline = time.monotonic() + 90
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.kind} exited with {self.proc.returncode}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/v1/health")
                if conn.getresponse().status == 200:
                    conn.close()
                    return self
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.kind} did not start")
            time.sleep(0.2)

    def __exit__(self, *exc) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    resets: int = 0
    timeouts: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _client(
    port: int,
    method: str,
    path: str,
    body: Optional[bytes],
    keep_alive: bool,
    start: threading.Barrier,
    deadline: list[float],
    tally: Tally,
) -> None:
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if not keep_alive:
        headers["Connection"] = "close"
    conn: Optional[http.client.HTTPConnection] = None
    lat, errors, resets, timeouts, statuses = [], 0, 0, 0, {}
    start.wait()
    while time.perf_counter() < deadline[0]:
        t0 = time.perf_counter()
        try:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_S[method])
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            statuses[response.status] = statuses.get(response.status, 0) + 1
            if response.status in (200, 201):
                lat.append(time.perf_counter() - t0)
            else:
                errors += 1
            if not keep_alive or response.will_close:
                conn.close()
                conn = None
        except (ConnectionResetError, BrokenPipeError, ConnectionAbortedError):  # incl. RemoteDisconnected
            errors += 1
            resets += 1
            conn = _drop(conn)
        except TimeoutError:
            errors += 1
            timeouts += 1
            conn = _drop(conn)
        except OSError:  # refused, ...
            errors += 1
            conn = _drop(conn)
        except http.client.HTTPException:
            errors += 1
            conn = _drop(conn)
    _drop(conn)
    with tally.lock:
        tally.latencies += lat
        tally.errors += errors
        tally.resets += resets
        tally.timeouts += timeouts
        for status, n in statuses.items():
            tally.statuses[status] = tally.statuses.get(status, 0) + n


def _drop(conn: Optional[http.client.HTTPConnection]) -> None:
    if conn is not None:
        conn.close()
    return None


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def run_cell(port: int, workload: str, clients: int, seconds: float) -> dict:
    method, path, body, keep_alive = WORKLOADS[workload]
    data = None if body is None else json.dumps(body).encode()
    tally = Tally()
    start = threading.Barrier(clients + 1)
    deadline = [float("inf")]
    threads = [
        threading.Thread(
            target=_client, args=(port, method, path, data, keep_alive, start, deadline, tally), daemon=True
        )
        for _ in range(clients)
    ]
    for t in threads:
        t.start()
    deadline[0] = time.perf_counter() + seconds
    t0 = time.perf_counter()
    start.wait()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    ok = len(tally.latencies)
    return {
        "workload": workload,
        "clients": clients,
        "seconds": round(elapsed, 2),
        "ok": ok,
        "throughput_rps": round(ok / elapsed, 1),
        "p50_ms": round(statistics.median(tally.latencies) * 1000, 1) if ok else "",
        "p99_ms": round(percentile(tally.latencies, 0.99) * 1000, 1) if ok else "",
        "errors": tally.errors,
        "resets": tally.resets,
        "timeouts": tally.timeouts,
        "statuses": " ".join(f"{k}:{v}" for k, v in sorted(tally.statuses.items())),
    }


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="per cell (default 3)")
    parser.add_argument("--clients", default="1,8,32,64")
    parser.add_argument("--servers", default=",".join(SERVERS))
    parser.add_argument("--workloads", default=",".join(WORKLOADS), help="comma list of: " + ", ".join(WORKLOADS))
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results")
    args = parser.parse_args(argv)
    clients = [int(c) for c in args.clients.split(",")]
    workloads = [w.strip() for w in args.workloads.split(",")]
    rows = []
    with tempfile.TemporaryDirectory(prefix="yueyou-load-") as tmp:
        for kind in args.servers.split(","):
            with Server(kind, Path(tmp)) as server:
                for workload in workloads:
                    run_cell(server.port, workload, 1, 0.5)  # warm-up (imports, first solve)
                    for n in clients:
                        row = dict(server=kind, **run_cell(server.port, workload, n, args.seconds))
                        print(json.dumps(row), flush=True)
                        rows.append(row)
    args.out.mkdir(parents=True, exist_ok=True)
    with open(args.out / "load.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    (args.out / "load.md").write_text(report(rows, args, argv))
    return 0


def report(rows: list[dict], args: argparse.Namespace, argv: Optional[list[str]]) -> str:
    command = "python -m benchmarks.load " + " ".join(argv if argv is not None else sys.argv[1:])
    lines = [
        "# Local server under load",
        "",
        f"`{command.strip()}` on {platform.platform()}, Python {platform.python_version()}, "
        f"**{os.cpu_count()} CPUs**, {args.seconds:g} s per cell (closed-loop clients on 127.0.0.1; "
        "requests in flight at the deadline are waited for).",
        "",
        "`chalice-local` is `chalice local --stage dev --no-autoreload` (what `make run` served before); "
        "`local-server` is `python -m chalicelib.local_server` (what it serves now: backlog 1024, "
        "TCP_NODELAY and one write per response, plan solves on one process per core). "
        f"Plan body: `{json.dumps(PLAN_BODY)}`, anonymous. Errors are failed requests (resets, "
        "timeouts, any status but 200/201); timeouts are requests unanswered after "
        f"{TIMEOUT_S['GET']:g} s (GET) / {TIMEOUT_S['POST']:g} s (POST), typically connections never accepted; "
        "wall s is the cell's length including requests in flight at its deadline.",
        "",
        "| workload | clients | server | req/s | p50 ms | p99 ms | errors | resets | timeouts | wall s |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in sorted(rows, key=lambda r: (list(WORKLOADS).index(r["workload"]), r["clients"], r["server"])):
        lines.append(
            f"| {r['workload']} | {r['clients']} | {r['server']} | {r['throughput_rps']} | "
            f"{r['p50_ms']} | {r['p99_ms']} | {r['errors']} | {r['resets']} | {r['timeouts']} | "
            f"{r['seconds']} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
