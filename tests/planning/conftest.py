"""Fixtures for the planning tests: a small named catalog and the real bundle."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chalicelib.catalog import bundle
from chalicelib.catalog.catalog import Catalog
from chalicelib.planning import problem as problem_mod
from chalicelib.planning.request import parse_request
from chalicelib.planning.settings import PlanSettings
from chalicelib.planning.travel import GeodesicTravel

DATA = Path(__file__).resolve().parents[1] / "data" / "planning"


@pytest.fixture(scope="session")
def mini() -> Catalog:
    """13 POIs around a fictional old town: hours with lunch closures, a
    Monday-only hall, a far lake, one venue and five events (one cancelled,
    two overlapping), plus an ordered four-stop route."""
    with open(DATA / "mini_catalog.json", encoding="utf-8") as handle:
        return Catalog.from_json(json.load(handle))


@pytest.fixture(scope="session")
def real() -> Catalog:
    if not bundle.BUNDLE_PATH.exists():
        pytest.skip("catalog bundle chalicelib/catalog/data/catalog.json not built yet (make catalog)")
    return bundle.load()


@pytest.fixture(scope="session")
def fast() -> PlanSettings:
    """Short solves keep the suite fast; the deterministic limit still applies."""
    return PlanSettings(default_time_limit_s=1.0, time_limit_cap_s=5.0)


def build_problem(data: dict, catalog: Catalog, settings: PlanSettings | None = None):
    """The Problem the engine builds for ``data`` (for the checker in tests)."""
    req = parse_request(data, catalog, settings or PlanSettings())
    return problem_mod.build(req, catalog, GeodesicTravel())
