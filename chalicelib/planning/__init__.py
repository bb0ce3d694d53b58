"""The itinerary engine: no HTTP, no AWS; shared by the API, CLI and benchmarks."""

from .engine import plan, request_id
from .replan import replan
from .request import PlanRequest, parse_request
from .settings import PlanSettings

__all__ = ["plan", "replan", "request_id", "PlanRequest", "parse_request", "PlanSettings"]
