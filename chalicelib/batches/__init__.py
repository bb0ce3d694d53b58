"""Batch (group) plans: many requests, processed asynchronously, with progress."""
from .service import MAX_ITEMS, BatchService, ItemBusy
from .runner import InlineRunner, SqsRunner, ThreadRunner

__all__ = ["MAX_ITEMS", "BatchService", "ItemBusy", "InlineRunner", "SqsRunner", "ThreadRunner"]
