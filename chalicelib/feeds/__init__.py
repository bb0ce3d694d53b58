"""Venue schedule feeds (JSON or iCalendar) ingested into the events store.

See README.md in this folder for the formats, settings and safety rules.
"""

from .changes import plan_warnings
from .config import FeedConfig, FeedConfigError, FeedSource, FetchPolicy
from .fetch import Fetcher, FetchResult, address_allowed, system_resolver
from .ingest import STATE, Ingestor
from .report import FeedError, IngestReport, Problem
from .service import feed_states, run_ingest, run_scheduled_ingest
from .session import event_id

__all__ = [
    "FeedConfig",
    "FeedConfigError",
    "FeedError",
    "FeedSource",
    "FetchPolicy",
    "FetchResult",
    "Fetcher",
    "IngestReport",
    "Ingestor",
    "Problem",
    "STATE",
    "address_allowed",
    "event_id",
    "feed_states",
    "plan_warnings",
    "run_ingest",
    "run_scheduled_ingest",
    "system_resolver",
]
