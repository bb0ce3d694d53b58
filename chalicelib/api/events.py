"""/v1/events: competition sessions at the venues, and the dates of recurring festivals, ceremonies and shows."""

from __future__ import annotations

from datetime import datetime, time

from chalice import Blueprint

from .. import services
from ..catalog.model import EVENT_KINDS, SPORTS
from ..catalog.series import series_of
from ..errors import invalid
from ..render.catalog import event_json
from ..timeutil import SHANGHAI, parse_date, parse_datetime
from .http import CORS, Params, endpoint, json_response, next_cursor

bp = Blueprint(__name__)
api = endpoint(lambda: bp.current_request)


def _bound(params: Params, name: str, end_of_day: bool) -> datetime | None:
    """A date (whole day, inclusive) or a date-time."""
    value = params.get(name)
    if value is None:
        return None
    if len(value) == 10:
        day = parse_date(value, name)
        return datetime.combine(day, time.max if end_of_day else time.min, tzinfo=SHANGHAI)
    return parse_datetime(value, name)


@bp.route("/v1/events", methods=["GET"], cors=CORS)
@api
def list_events():
    params = Params(bp.current_request, ("from", "to", "kind", "sport", "venue", "status", "limit", "cursor"))
    svc = services.get()
    start, end = _bound(params, "from", False), _bound(params, "to", True)
    if start and end and end < start:
        raise invalid("to", "'to' is before 'from'", "'to' 早于 'from'")
    kinds = params.choice_list("kind", EVENT_KINDS)
    sports = params.choice_list("sport", SPORTS)
    places = {p.id for p in svc.catalog.venues()} | {s.poi_id for s in series_of(svc.catalog.events).values()}
    venues = params.choice_list("venue", sorted(places))
    statuses = params.choice_list("status", ("scheduled", "cancelled"))
    limit, offset = params.page(default_limit=100, max_limit=500)
    today = datetime.now(SHANGHAI).date()
    found = [
        e
        for e in svc.events.between(
            start and start.astimezone(SHANGHAI).date(), end and end.astimezone(SHANGHAI).date(), today
        )
        if (start is None or e.end >= start)
        and (end is None or e.start <= end)
        and (not kinds or e.kind in kinds)
        and (not sports or e.sport in sports)
        and (not venues or e.venue_id in venues)
        and (not statuses or e.status in statuses)
    ]
    return json_response(
        {
            "events": [event_json(e, svc.catalog, params.lang) for e in found[offset : offset + limit]],
            "total": len(found),
            "limit": limit,
            "next_cursor": next_cursor(offset, limit, len(found)),
            "lang": params.lang,
        }
    )


@bp.route("/v1/events/{event_id}", methods=["GET"], cors=CORS)
@api
def get_event(event_id: str):
    params = Params(bp.current_request, ())
    svc = services.get()
    return json_response(event_json(svc.events.get(event_id), svc.catalog, params.lang))
