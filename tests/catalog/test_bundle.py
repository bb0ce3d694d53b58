"""The catalog reaches Lambda: only app.py and chalicelib/ are deployed."""

from __future__ import annotations

import shutil
import subprocess
import sys

from chalicelib.catalog import bundle
from chalicelib.catalog.validate import ROOT, main


def test_bundle_matches_sources():
    assert bundle.BUNDLE_PATH.read_text(encoding="utf-8") == bundle.dumps(bundle.compile_sources(ROOT)), (
        "run `make catalog`"
    )


def test_bundle_lives_inside_the_deployed_package():
    assert (ROOT / "chalicelib") in bundle.BUNDLE_PATH.parents


def test_validate_command_passes():
    assert main([]) == 0


def test_deployed_files_alone_serve_the_catalog(tmp_path):
    """Copy only what `chalice deploy` ships and query the app there."""
    shutil.copy(ROOT / "app.py", tmp_path / "app.py")
    shutil.copytree(ROOT / "chalicelib", tmp_path / "chalicelib", ignore=shutil.ignore_patterns("__pycache__"))
    script = (
        "import json, os\n"
        "from chalice.test import Client\n"
        "import app\n"
        "with Client(app.app) as c:\n"
        "    r = c.http.get('/v1/pois?limit=1&lang=en')\n"
        "    print(r.status_code, json.loads(r.body)['total'])\n"
        "    r = c.http.get('/v1/routes/tang-poetry-road')\n"
        "    print(r.status_code)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "YUEYOU_SQLITE_PATH": str(tmp_path / "store.db")},
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.split("\n")
    status, total = lines[0].split()
    assert status == "200" and int(total) == len(bundle.load().pois)
    assert lines[1] == "200"
    assert not (tmp_path / "poi_data").exists()


def test_the_committed_report_is_current_and_gaps_are_recorded(catalog):
    import dataclasses
    from pathlib import Path

    from chalicelib.catalog import coverage

    root = Path(__file__).resolve().parents[2]
    assert (root / "poi_data" / "REPORT.md").read_text(encoding="utf-8") == coverage.report(catalog)
    assert coverage.problems(catalog) == []
    # a new gap (Zhuji's food gone) fails validation; so does a recorded gap once it is filled
    fewer = {k: p for k, p in catalog.pois.items() if not (p.category == "food" and p.district == "zhuji")}
    assert coverage.problems(dataclasses.replace(catalog, pois=fewer)) == [
        "coverage: food:zhuji has 0, needs 4 (add sourced rows, or record why in coverage.SHORTFALLS)"
    ]
    shangyu = next(p for p in catalog.pois.values() if p.category == "food" and p.district == "yuecheng")
    more = dict(catalog.pois)
    for k in range(4):
        more[f"x{k}"] = dataclasses.replace(shangyu, id=f"x{k}", district="shangyu")
    assert "coverage: food:shangyu is met now: remove it from coverage.SHORTFALLS" in coverage.problems(
        dataclasses.replace(catalog, pois=more)
    )
