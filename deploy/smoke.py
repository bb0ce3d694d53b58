"""Unpack dist/ into a clean Python 3.12 and plan an itinerary through the Lambda handler.

Used by tests/package (``make package-check``) and runnable alone::

    .venv/bin/python deploy/smoke.py dist            # prints a summary, exit 1 on failure

Steps: unzip ``deployment.zip`` (Lambda's /var/task) and every
``layer-*.zip`` (Lambda's /opt) into a temp dir; ``python3.12 -m venv
--without-pip`` (no packages at all, not even pip); run
``deploy/smoke_lambda.py`` with that interpreter, a scrubbed environment
(the template's prod variables, but ``YUEYOU_STORE=sqlite`` in the temp dir:
DynamoDB is not reachable here) and the sys.path Lambda would give:
function dir, ``/opt/python``, ``/opt/python/lib/python3.12/site-packages``.
``PYTHONDONTWRITEBYTECODE=1`` because Lambda cannot write next to the code
either, so every run is a cold import with only the shipped bytecode.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

DEPLOY = Path(__file__).resolve().parent
ROOT = DEPLOY.parent


def find_python312() -> str:
    out = subprocess.run([str(DEPLOY / "find-python312.sh")], capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(out.stderr.strip() or "no Python 3.12 found")
    return out.stdout.strip()


def template_env(dist: Path, function: str = "APIHandler") -> dict[str, str]:
    """The function's environment from the template; CloudFormation refs left out."""
    template = json.loads((dist / "sam.json").read_text())
    variables = template["Resources"][function]["Properties"]["Environment"]["Variables"]
    return {k: v for k, v in variables.items() if isinstance(v, str)}


@dataclass
class SmokeResult:
    ok: bool
    result: dict[str, Any]
    unzipped_bytes: int
    unpack_s: float
    venv_s: float
    run_s: float
    stdout: str = ""
    stderr: str = ""
    layers: list[str] = field(default_factory=list)

    def summary(self) -> str:
        r = self.result
        plan = r.get("plan", {})
        return (
            f"smoke: {'OK' if self.ok else 'FAILED'}; unzipped function+layers "
            f"{self.unzipped_bytes / 2**20:.1f} MB; cold `import app` {r.get('import_app_s')} s; "
            f"POST /v1/itineraries -> {plan.get('status')} in {plan.get('seconds')} s "
            f"({plan.get('visits')} visits, {plan.get('stops')} stops); "
            f"GET /v1/pois -> {r.get('pois', {}).get('status')}; "
            f"card.pdf -> {r.get('card_pdf', {}).get('status')} "
            f"({r.get('card_pdf', {}).get('bytes')} bytes, {r.get('card_pdf', {}).get('seconds')} s); "
            f"ingest_feeds handler {r.get('ingest_feeds', {}).get('seconds')} s; "
            f"imported by `import app`: {r.get('imported_by_import_app')}; "
            f"after requests: {r.get('imported_after_requests')}; "
            f"total {self.unpack_s + self.venv_s + self.run_s:.1f} s "
            f"(unpack {self.unpack_s:.1f}, venv {self.venv_s:.1f}, run {self.run_s:.1f})"
        )


def run(
    dist: Path, workdir: Optional[Path] = None, python312: Optional[str] = None, timeout: float = 300
) -> SmokeResult:
    dist = dist.resolve()
    python312 = python312 or find_python312()
    owned = workdir is None
    tmp = tempfile.TemporaryDirectory(prefix="yueyou-smoke-") if owned else None
    base = Path(tmp.name) if tmp else workdir
    try:
        started = time.perf_counter()
        task, opt = base / "var-task", base / "opt"
        unzipped = _unzip(dist / "deployment.zip", task)
        layers = sorted(dist.glob("layer-*.zip"))
        for layer in layers:
            unzipped += _unzip(layer, opt)
        unpack_s = time.perf_counter() - started

        started = time.perf_counter()
        venv = base / "venv"
        subprocess.run([python312, "-m", "venv", "--without-pip", str(venv)], check=True, env=_clean_env())
        venv_python = venv / "bin" / "python"
        venv_s = time.perf_counter() - started

        env = _clean_env()
        env.update(template_env(dist))
        env.update(
            {
                "PYTHONPATH": os.pathsep.join(
                    [str(task), str(opt / "python"), str(opt / "python/lib/python3.12/site-packages")]
                ),
                "PYTHONDONTWRITEBYTECODE": "1",
                "YUEYOU_STORE": "sqlite",
                "YUEYOU_SQLITE_PATH": str(base / "tmp" / "yueyou.db"),
                "AWS_DEFAULT_REGION": "ap-southeast-1",
                "AWS_REGION": "ap-southeast-1",
                "AWS_LAMBDA_FUNCTION_NAME": "yueyou-prod-APIHandler",
                "LAMBDA_TASK_ROOT": str(task),
            }
        )
        (base / "tmp").mkdir(exist_ok=True)
        # A copy outside the repository: the script's dir lands on sys.path[0].
        (base / "runner").mkdir(exist_ok=True)
        script = base / "runner" / "smoke_lambda.py"
        script.write_bytes((DEPLOY / "smoke_lambda.py").read_bytes())
        started = time.perf_counter()
        # cwd = the function dir, as on Lambda; the script itself is not on the path.
        proc = subprocess.run(
            [str(venv_python), "-s", str(script)], cwd=task, env=env, capture_output=True, text=True, timeout=timeout
        )
        run_s = time.perf_counter() - started
        result: dict[str, Any] = {}
        for line in proc.stdout.splitlines():
            if line.startswith("SMOKE_RESULT "):
                result = json.loads(line[len("SMOKE_RESULT ") :])
        ok = proc.returncode == 0 and bool(result.get("ok"))
        return SmokeResult(
            ok, result, unzipped, unpack_s, venv_s, run_s, proc.stdout, proc.stderr, [p.name for p in layers]
        )
    finally:
        if tmp:
            tmp.cleanup()


def _unzip(path: Path, target: Path) -> int:
    with zipfile.ZipFile(path) as zf:
        zf.extractall(target)
        return sum(i.file_size for i in zf.infolist())


def _clean_env() -> dict[str, str]:
    """Nothing from the caller's Python setup (PYTHON*, VIRTUAL_ENV, PYENV_*) leaks in."""
    keep = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TZ": "UTC"}
    if "HOME" in os.environ:
        keep["HOME"] = os.environ["HOME"]
    return keep


def main(argv: list[str]) -> int:
    dist = Path(argv[1]) if len(argv) > 1 else ROOT / "dist"
    res = run(dist)
    print(res.summary())
    if not res.ok:
        print(res.stdout[-4000:], file=sys.stderr)
        print(res.stderr[-8000:], file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
