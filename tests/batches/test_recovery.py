"""Batch items of a dead worker are re-driven exactly once, on both stores.

``Killed`` (a BaseException) stands in for SIGKILL or a Lambda timeout: no
``except Exception`` clean-up runs, so the item stays as a killed worker
leaves it.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from chalicelib.batches import BatchService, InlineRunner, ItemBusy
from chalicelib.batches.service import ITEM, OPEN
from chalicelib.itineraries import ItineraryRepository
from tests.support.crash import Clock, Killed, Proxy

LEASE_S = 60.0
REQ = {"start_date": "2026-12-01", "days": 1}


class Planner:
    """Counts plans per request ``n``; ``die_on`` requests kill the worker once."""

    def __init__(self, die_on=()) -> None:
        self.calls: dict[int, int] = {}
        self.die_on = set(die_on)
        self.during = None  # called inside the plan, to interleave another worker

    def __call__(self, request):
        n = request["n"]
        self.calls[n] = self.calls.get(n, 0) + 1
        if n in self.die_on:
            self.die_on.discard(n)
            raise Killed
        if self.during:
            during, self.during = self.during, None
            during()
        return {"status": "ok", "request": request, "days": []}


class Recorder:
    def __init__(self) -> None:
        self.submitted: list[tuple[str, int]] = []

    def submit(self, batch_id, indexes):
        self.submitted.extend((batch_id, i) for i in indexes)


def service(store, clock, planner, runner=None):
    svc = BatchService(
        store,
        ItineraryRepository(store, clock=clock),
        planner=planner,
        validate=lambda request: None,
        clock=clock,
        lease_s=LEASE_S,
    )
    svc.runner = runner or Recorder()
    return svc


def batch(svc, n=3, first=0):
    return svc.create("agency", {"requests": [dict(REQ, n=first + i) for i in range(n)]})


def itinerary_ids(store):
    return sorted(i.key for i in store.list("itinerary", limit=1000).items)


def item(store, batch_id, index):
    return store.get(ITEM, f"{batch_id}#{index:03d}").data


@pytest.fixture()
def clock():
    return Clock()


def test_item_of_a_dead_worker_is_re_driven_after_its_lease_only(store, clock):
    planner = Planner(die_on={0})
    svc = service(store, clock, planner)
    batch_id = batch(svc, 1)
    with pytest.raises(Killed):
        svc.process(batch_id, 0)
    assert item(store, batch_id, 0)["status"] == "running"

    clock.advance(LEASE_S - 1)
    with pytest.raises(ItemBusy):  # a redelivery while the lease runs: not run twice
        svc.process(batch_id, 0)
    assert planner.calls == {0: 1}

    clock.advance(2)
    assert svc.process(batch_id, 0) == "done"
    done = item(store, batch_id, 0)
    assert done["status"] == "done" and done["attempts"] == 2 and planner.calls == {0: 2}
    assert itinerary_ids(store) == [done["itinerary_id"]] == [done["reserved_id"]]
    assert svc.process(batch_id, 0) == "finished"
    assert svc.status(batch_id, "agency", "en")["counts"]["done"] == 1


def test_worker_that_died_after_saving_the_plan_leaves_one_plan(store, clock):
    def crash_on_done(collection, key, data):
        if collection == ITEM and data.get("status") == "done":
            raise Killed

    planner = Planner()
    dying = service(Proxy(store, on_put=crash_on_done), clock, planner)
    batch_id = batch(dying, 1)
    with pytest.raises(Killed):
        dying.process(batch_id, 0)
    (saved,) = itinerary_ids(store)

    clock.advance(LEASE_S + 1)
    assert service(store, clock, planner).process(batch_id, 0) == "done"
    assert item(store, batch_id, 0)["itinerary_id"] == saved and itinerary_ids(store) == [saved]


def test_racing_re_drivers_run_the_item_once(store, clock):
    planner = Planner(die_on={0})
    svc = service(store, clock, planner)
    batch_id = batch(svc, 1)
    with pytest.raises(Killed):
        svc.process(batch_id, 0)
    clock.advance(LEASE_S + 1)

    barrier = threading.Barrier(2, timeout=20)
    first_read = threading.local()

    def meet(collection, key):  # both re-drivers have read the stale item before either writes
        if collection == ITEM and not getattr(first_read, "done", False):
            first_read.done = True
            barrier.wait()

    racing = service(Proxy(store, on_get=meet), clock, planner)

    def redrive(_):
        try:
            return racing.process(batch_id, 0)
        except ItemBusy as busy:
            return busy

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(redrive, range(2)))
    # The loser re-reads the item after losing the claim: busy while the winner
    # still runs, "finished" if the winner was quicker (a loaded machine).
    loser = next(r for r in results if r != "done")
    assert results.count("done") == 1 and (isinstance(loser, ItemBusy) or loser == "finished")
    assert planner.calls == {0: 2}
    assert len(itinerary_ids(store)) == 1 and item(store, batch_id, 0)["attempts"] == 2


def test_worker_that_lost_its_lease_does_not_overwrite_the_item(store, clock):
    planner = Planner()
    svc = service(store, clock, planner)
    batch_id = batch(svc, 1)
    taker = {}

    def slow():  # the first worker overruns its lease; another takes the item over meanwhile
        clock.advance(LEASE_S + 1)
        taker["result"] = service(store, clock, Planner()).process(batch_id, 0)

    planner.during = slow
    assert svc.process(batch_id, 0) == "lost" and taker["result"] == "done"
    final = item(store, batch_id, 0)
    assert final["status"] == "done" and final["attempts"] == 2
    assert itinerary_ids(store) == [final["itinerary_id"]]


def test_recover_resubmits_queued_and_expired_items_of_open_batches(store, clock):
    planner = Planner(die_on={1})
    svc = service(store, clock, planner)
    batch_id = batch(svc, 3)  # nothing ran: the process died with its pool
    svc.process(batch_id, 0)  # finished before the crash
    with pytest.raises(Killed):
        svc.process(batch_id, 1)  # running when the process died
    finished_id = batch(svc, 1, first=10)
    svc.process(finished_id, 0)

    restarted = service(store, clock, planner)
    assert restarted.recover() == 1  # item 2; item 1 is still under its lease
    assert restarted.runner.submitted == [(batch_id, 2)]
    assert [i.key for i in store.list(OPEN).items] == [batch_id]  # the finished batch left the index

    clock.advance(LEASE_S + 1)
    restarted.runner = InlineRunner(restarted.process)
    assert restarted.recover() == 2
    status = restarted.status(batch_id, "agency", "en")
    assert status["counts"] == {"queued": 0, "running": 0, "done": 3, "failed": 0}
    assert planner.calls == {0: 1, 1: 2, 2: 1, 10: 1}
    assert len(itinerary_ids(store)) == 4
    assert restarted.recover() == 0 and store.list(OPEN).items == []
