"""Batch (group) plans: many requests, processed asynchronously, with progress."""

from .runner import InlineRunner, SqsRunner, ThreadRunner
from .service import MAX_ITEMS, BatchService, ItemBusy

__all__ = ["MAX_ITEMS", "BatchService", "ItemBusy", "InlineRunner", "SqsRunner", "ThreadRunner"]
