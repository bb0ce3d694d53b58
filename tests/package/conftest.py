"""Checks of the Lambda package in dist/ (``make package`` then ``make package-check``).

Skipped unless dist/ holds an up-to-date package, or ``YUEYOU_TEST_PACKAGE=1``
(``make package-check``), which builds it with ``make package`` when it is
missing or older than its sources.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Everything `make package` reads: newer than dist/sam.json means dist/ is stale.
SOURCES = (
    "app.py",
    "chalicelib",
    "requirements.txt",
    ".chalice/config.json",
    "deploy/merge.json",
    "deploy/slim.py",
    "deploy/requirements-package.txt",
)


def pytest_configure(config):
    config.addinivalue_line("markers", "package: checks the Lambda package in dist/ (make package-check)")


def dist_dir() -> Path:
    return Path(os.environ.get("YUEYOU_PACKAGE_DIR") or ROOT / "dist").resolve()


def stale_reason(dist: Path):
    template = dist / "sam.json"
    needed = [template, dist / "deployment.zip", dist / "package-report.json"]
    missing = [p.name for p in needed if not p.exists()]
    if missing or not list(dist.glob("layer-*.zip")):
        return f"{dist} has no package ({', '.join(missing) or 'layer zip'} missing): run `make package`"
    built = template.stat().st_mtime
    for name in SOURCES:
        path = ROOT / name
        files = (
            [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
        )
        for f in files:
            if f.stat().st_mtime > built:
                return f"{dist} is older than {f.relative_to(ROOT)}: run `make package`"
    return None


@pytest.fixture(scope="session")
def dist() -> Path:
    path = dist_dir()
    reason = stale_reason(path)
    if reason is None:
        return path
    if os.environ.get("YUEYOU_TEST_PACKAGE") != "1":
        pytest.skip(reason + " (or set YUEYOU_TEST_PACKAGE=1)")
    if path != (ROOT / "dist").resolve():
        pytest.fail(reason + f" (YUEYOU_PACKAGE_DIR={path} is not built by make)")
    started = time.perf_counter()
    proc = subprocess.run(["make", "package"], cwd=ROOT, capture_output=True, text=True)
    print(f"\n[package] make package: {time.perf_counter() - started:.0f} s")
    if proc.returncode != 0:
        pytest.fail("make package failed:\n" + proc.stdout[-4000:] + proc.stderr[-4000:])
    reason = stale_reason(path)
    if reason:
        pytest.fail("after make package: " + reason)
    return path
