"""The wiring: lazily built collaborators (store, catalog, repositories,
batches, the solver hook) shared by the HTTP blueprints (``api/``), app.py's
Lambda handlers, the admin CLI and the feeds CLI. It lives outside ``api/`` so
that nothing but transport code imports the HTTP package.

Nothing is built (no env read, no file opened) until first use. Tests install
their own factory with :func:`configure`.
"""

from __future__ import annotations

import dataclasses
import os
import threading
from collections.abc import Callable
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any, Optional

from .auth import AuthPolicy, Principal, authorize, charge_plans
from .batches import BatchService, SqsRunner, ThreadRunner
from .catalog import Catalog, bundle
from .config import Settings
from .crowds import BOOKING_ATTEMPTS, CapacityBook, CrowdLedger, SlotFull
from .itineraries import ItineraryRepository
from .planning import PlanSettings, parse_request, plan
from .planning.crowding import Crowding
from .schedule import EventRepository
from .solving import in_process
from .store import Store, open_store
from .timeutil import SHANGHAI

if TYPE_CHECKING:
    from .forecast import OpenMeteoForecast
    from .planning.request import PlanRequest


class Services:
    def __init__(
        self,
        settings: Settings,
        catalog: Optional[Catalog] = None,
        store: Optional[Store] = None,
        solver: Optional[Callable[..., Any]] = None,
    ) -> None:
        self.settings = settings
        self._catalog = catalog
        self._store = store
        # Runs plan solves: ``solver(fn, *args, **kwargs)``. In this process
        # by default (Lambda); the local server passes a process pool.
        self.solver = solver or in_process

    @classmethod
    def from_env(cls, solver: Optional[Callable[..., Any]] = None) -> Services:
        return cls(Settings.from_env(os.environ), solver=solver)

    def solve(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """``fn(*args, **kwargs)`` for an engine entry point (plan, replan) on
        the configured solver; arguments and result must pickle."""
        return self.solver(fn, *args, **kwargs)

    @cached_property
    def catalog(self) -> Catalog:
        return self._catalog or bundle.load()

    @cached_property
    def store(self) -> Store:
        if self._store is not None:
            return self._store
        s = self.settings
        return open_store(
            s.store,
            sqlite_path=s.sqlite_path,
            table_name=s.table_name,
            endpoint_url=s.dynamodb_endpoint_url,
            region_name=s.aws_region,
        )

    @cached_property
    def plan_settings(self) -> PlanSettings:
        s = self.settings
        return PlanSettings(
            time_limit_cap_s=s.solve_time_limit_cap_s,
            default_time_limit_s=min(2.0, s.solve_time_limit_cap_s),
            default_lodging_id=s.default_lodging,
            osrm_url=s.osrm_url,
        )

    @cached_property
    def itineraries(self) -> ItineraryRepository:
        return ItineraryRepository(
            self.store, claim_deadline_s=self.settings.request_deadline_s, crowds=self.crowds, capacity=self.capacity
        )

    @cached_property
    def crowds(self) -> CrowdLedger:
        return CrowdLedger(self.store)

    @cached_property
    def capacity(self) -> CapacityBook:
        return CapacityBook(self.store)

    def with_crowds(
        self, request: PlanRequest, without: Optional[dict] = None, catalog: Optional[Catalog] = None
    ) -> PlanRequest:
        """The request with what the store knows of other travellers on its
        dates: the forecast's busy hours (for ``avoid_crowds``) and the slots
        with too few places left for the group. ``without``: the plan being
        replanned, whose own people and places do not count against it."""
        catalog = catalog or self.planning_catalog()  # the caller's, when it has one: one events read a plan
        busy: list[tuple[str, int, int]] = []  # also without avoid_crowds: stops still say "busy"
        for d, day in enumerate(request.dates):
            for poi_id, hours in sorted(self.crowds.busy_hours(day, catalog, without=without).items()):
                busy.extend((poi_id, d, h) for h in sorted(hours))
        full = self.capacity.full_slots(request.dates, request.group_size, without=without)
        if not busy and not full:
            return request
        return dataclasses.replace(request, crowding=Crowding(tuple(busy), full))

    def booked(self, attempt: Callable[[], Any]) -> Any:
        """``attempt()`` (plan with fresh crowding, then store), again when a
        racing writer took the last places first (``SlotFull``): the next
        attempt sees the slot full and plans around it."""
        for tries in range(BOOKING_ATTEMPTS):
            try:
                return attempt()
            except SlotFull:
                if tries == BOOKING_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    @cached_property
    def batches(self) -> BatchService:
        def planner(body: dict) -> dict:
            catalog = self.planning_catalog()
            request = self.with_crowds(parse_request(body, catalog, self.plan_settings), catalog=catalog)
            return self.solve(plan, request, catalog, settings=self.plan_settings)

        service = BatchService(
            self.store,
            self.itineraries,
            planner=planner,
            validate=lambda request: parse_request(request, self.planning_catalog(), self.plan_settings),
            lease_s=self.settings.batch_lease_s,
        )
        if self.settings.batch_queue_url:
            import boto3

            service.runner = SqsRunner(
                boto3.client("sqs", region_name=self.settings.aws_region), self.settings.batch_queue_url
            )
        else:
            service.runner = ThreadRunner(service.process, workers=self.settings.batch_workers)
            # Items a killed process left queued or running: now, and as leases run out.
            service.runner.start_recovery(service.recover, every_s=max(0.5, self.settings.batch_lease_s / 2))
        return service

    @cached_property
    def auth_policy(self) -> AuthPolicy:
        s = self.settings
        return AuthPolicy(
            allow_anonymous=s.allow_anonymous,
            anonymous_daily_plans=s.anonymous_daily_plans,
            anonymous_rate_per_minute=s.anonymous_rate_per_minute,
        )

    def authorize(
        self, headers, source_ip: str, kind: Optional[str] = None, count: int = 1
    ) -> tuple[Principal, dict[str, str]]:
        """The caller and its rate-limit headers; ``kind="plan"`` charges ``count`` plans."""
        return authorize(
            headers, source_ip, self.store, self.auth_policy, kind="plan" if kind == "plan" else "request", count=count
        )

    def charge_plans(self, principal: Principal, count: int = 1) -> dict[str, str]:
        """Take ``count`` plans from the caller's quota; the quota headers."""
        return charge_plans(principal, self.store, self.auth_policy, count=count)

    def plan_warnings(self, plan: dict, lang: str) -> list:
        """Warnings about a stored plan (events moved or cancelled since; a
        wet or hot forecast over its outdoor visits in the next days)."""
        from .feeds import plan_warnings
        from .forecast import weather_warnings

        weather = []
        if self.forecast is not None:
            outdoor = {p.id for p in self.catalog.pois.values() if p.setting == "outdoor"}
            weather = weather_warnings(plan, self.forecast, datetime.now(SHANGHAI).date(), outdoor, lang)
        return plan_warnings(plan, self.events, lang) + weather

    @cached_property
    def forecast(self) -> Optional[OpenMeteoForecast]:
        from .forecast import OpenMeteoForecast

        url = self.settings.weather_url
        return OpenMeteoForecast(url, self.store, cache_s=self.settings.weather_cache_s) if url else None

    def with_weather(self, request: PlanRequest) -> PlanRequest:
        """The request with the forecast's wet and hot spells, when a forecast
        is configured, covers the dates and the request gave no weather."""
        if self.forecast is None:
            return request
        spells = self.forecast.spells(request, datetime.now(SHANGHAI).date())
        return dataclasses.replace(request, weather=spells) if spells else request

    def planning_catalog(self) -> Catalog:
        """The catalog with the store's events (feeds may have moved, added or cancelled sessions)."""
        return self.events.planning_catalog()

    @cached_property
    def events(self) -> EventRepository:
        return EventRepository(self.store, self.catalog)


_factory: Callable[[], Services] = Services.from_env
_instance: Optional[Services] = None
_lock = threading.Lock()


def configure(factory: Callable[[], Services]) -> None:
    global _factory, _instance
    with _lock:
        _factory, _instance = factory, None


def get() -> Services:
    global _instance
    if _instance is None:
        with _lock:
            if _instance is None:
                _instance = _factory()
    return _instance
