"""A Services on a given store with batches run inline (no background threads)."""

from __future__ import annotations

import pytest

from chalicelib.batches import BatchService, InlineRunner
from chalicelib.config import Settings
from chalicelib.planning import parse_request, plan
from chalicelib.services import Services


def make_services(store, catalog) -> Services:
    svc = Services(Settings(), catalog=catalog, store=store)

    def planner(body: dict) -> dict:
        catalog = svc.planning_catalog()
        request = svc.with_crowds(parse_request(body, catalog, svc.plan_settings), catalog=catalog)
        return plan(request, catalog, settings=svc.plan_settings)

    batches = BatchService(
        store, svc.itineraries, planner=planner, validate=lambda r: parse_request(r, catalog, svc.plan_settings)
    )
    batches.runner = InlineRunner(batches.process)
    svc.__dict__["batches"] = batches  # the cached property, without its recovery thread
    return svc


@pytest.fixture()
def services_on(store, catalog) -> Services:
    return make_services(store, catalog)
