"""Entry points shared by the schedule, the admin endpoint and the CLI.

Feed settings are read from the environment at call time (not at import)
so a Lambda picks up a changed stage config on its next cold start and
tests can pass their own mapping.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Optional, Protocol

import requests

from ..catalog import Catalog
from ..store import Store
from .config import FeedConfig, FetchPolicy
from .fetch import Fetcher, Resolver, system_resolver
from .ingest import STATE, Ingestor
from .report import IngestReport


class HasStoreAndCatalog(Protocol):
    @property
    def store(self) -> Store: ...

    @property
    def catalog(self) -> Catalog: ...


def run_ingest(
    services: HasStoreAndCatalog,
    env: Optional[Mapping[str, str]] = None,
    only: Optional[str] = None,
    resolver: Resolver = system_resolver,
) -> list[IngestReport]:
    """Ingest every configured feed (or just ``only``); one report per feed.

    Raises FeedConfigError (status 500) when the stage's feed settings are
    wrong, and NotFound-like InvalidInput when ``only`` names no feed.
    """
    env = os.environ if env is None else env
    feeds = FeedConfig.parse(env.get("YUEYOU_FEEDS"))
    if only is not None:
        feeds = [f for f in feeds if f.id == only]
        if not feeds:
            from ..errors import invalid

            raise invalid(
                "feed",
                f"no configured feed has id {only!r}",
                f"没有 id 为 {only!r} 的已配置订阅源",
                code="unknown_value",
            )
    fetcher = Fetcher(FetchPolicy.from_env(env), session=requests.Session(), resolver=resolver)
    return Ingestor(services.store, services.catalog, fetcher).run(feeds)


def run_scheduled_ingest(services: HasStoreAndCatalog, env: Optional[Mapping[str, str]] = None) -> list[IngestReport]:
    """What the hourly ``@app.schedule`` function runs."""
    return run_ingest(services, env)


def feed_states(services: HasStoreAndCatalog, env: Optional[Mapping[str, str]] = None) -> list[dict[str, Any]]:
    """Last fetch/success/hash/error of each configured feed (for operators)."""
    env = os.environ if env is None else env
    out = []
    for feed in FeedConfig.parse(env.get("YUEYOU_FEEDS")):
        item = services.store.get(STATE, feed.id)
        out.append(dict(item.data if item else {"feed": feed.id, "last_fetched_at": None}))
    return out
