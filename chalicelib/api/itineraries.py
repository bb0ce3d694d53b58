"""/v1/itineraries: plan, keep, share, edit and delete trips."""

from __future__ import annotations

from typing import Any, Optional

from chalice import Blueprint, Response

from .. import services
from ..errors import Conflict, YueyouError
from ..i18n import Text
from ..itineraries import ItineraryRecord
from ..planning import parse_request, plan
from ..planning.request import request_from_json
from .access import caller, if_match, principal_of, readable_itinerary
from .body import json_body
from .http import CORS, Params, ResponseHeaders, endpoint, json_response, query_param, request_header

bp = Blueprint(__name__)
api = endpoint(lambda: bp.current_request)


def _lang(params: Params, body: Optional[dict[str, Any]] = None) -> str:
    explicit = query_param(bp.current_request, "lang")
    if explicit:
        return params.lang
    if body and body.get("lang") in ("zh", "en"):
        return body["lang"]
    return params.lang


def _links(record: ItineraryRecord) -> dict[str, str]:
    base = f"/v1/itineraries/{record.id}"
    share = f"?share={record.share_token}"
    return {
        "self": base,
        "share": base + share,
        "replan": base + "/replan",
        "card_pdf": base + "/card.pdf" + share,
        "card_html": base + "/card.html" + share,
        "ics": base + "/itinerary.ics" + share,
        "gpx": base + "/route.gpx" + share,
        "geojson": base + "/itinerary.geojson" + share,
        "share_qr": base + "/share.svg" + share,
        "widget": f"/v1/widgets/itinerary/{record.id}" + share,
    }


def document(record: ItineraryRecord, warnings: Optional[list[Any]] = None) -> dict[str, Any]:
    return dict(
        record.plan,
        id=record.id,
        version=record.version,
        created_at=record.created_at,
        updated_at=record.updated_at,
        links=_links(record),
        warnings=warnings or [],
    )


def _headers(record: ItineraryRecord, extra: dict[str, str]) -> dict[str, str]:
    return dict(extra, ETag=record.etag, **{"Cache-Control": "private, no-cache"})


@bp.route("/v1/itineraries", methods=["POST"], cors=CORS, content_types=["application/json"])
@api
def create_itinerary():
    request = bp.current_request
    params = Params(request, ())
    body = json_body(request)
    svc = services.get()
    principal, limit_headers = principal_of(request)
    lang = _lang(params, body)
    key = request_header(request, "idempotency-key") or None
    catalog = svc.planning_catalog()
    # A plan is charged only once the request is known to be valid, and
    # never for an idempotent replay (make_plan runs only for a new claim).
    parsed = svc.with_weather(parse_request(body, catalog, svc.plan_settings))
    charged: list[bool] = []

    def make_plan() -> dict[str, Any]:
        if not charged:  # once, however often the places are re-booked
            limit_headers.update(svc.charge_plans(principal))
            charged.append(True)
        return svc.solve(plan, svc.with_crowds(parsed, catalog=catalog), catalog, settings=svc.plan_settings, lang=lang)

    record, created = svc.booked(lambda: svc.itineraries.create_idempotent(principal.owner, key, body, make_plan))
    headers = _headers(record, limit_headers)
    headers["Location"] = f"/v1/itineraries/{record.id}"
    if not created:
        headers["Idempotent-Replayed"] = "true"
    return json_response(document(record), status=201 if created else 200, headers=headers)


@bp.route("/v1/itineraries", methods=["GET"], cors=CORS)
@api
def list_itineraries():
    request = bp.current_request
    params = Params(request, ("limit", "cursor"))
    owner, limit_headers = caller(request)
    limit = params.count("limit", low=1, high=100, default=20)
    records, cursor = services.get().itineraries.list_owned(owner, limit, params.get("cursor"))
    summaries = [
        {
            "id": r.id,
            "version": r.version,
            "created_at": r.created_at,
            "updated_at": r.updated_at,
            "status": r.plan.get("status"),
            "days": len(r.plan.get("days", [])),
            "start_date": r.plan["days"][0]["date"] if r.plan.get("days") else None,
            "links": _links(r),
        }
        for r in records
    ]
    return json_response({"itineraries": summaries, "next_cursor": cursor}, headers=limit_headers)


@bp.route("/v1/itineraries/{itinerary_id}", methods=["GET"], cors=CORS)
@api
def get_itinerary(itinerary_id: str):
    request = bp.current_request
    Params(request, ("share",))
    record = readable_itinerary(request, itinerary_id)
    if request_header(request, "if-none-match") == record.etag:
        return Response(body="", status_code=304, headers={"ETag": record.etag})
    warnings = services.get().plan_warnings(record.plan, _lang(Params(request, ("share",))))
    return json_response(document(record, warnings), headers=_headers(record, {}))


@bp.route("/v1/itineraries/{itinerary_id}", methods=["DELETE"], cors=CORS)
@api
def delete_itinerary(itinerary_id: str):
    request = bp.current_request
    Params(request, ())
    owner, limit_headers = caller(request)
    expected = if_match(request)
    svc = services.get()
    svc.itineraries.delete(itinerary_id, owner, expected if expected is not None else -1)
    no_content: ResponseHeaders = dict(limit_headers)
    return Response(body="", status_code=204, headers=no_content)


@bp.route("/v1/itineraries/{itinerary_id}/replan", methods=["POST"], cors=CORS, content_types=["application/json"])
@api
def replan_itinerary(itinerary_id: str):
    from ..planning.replan import replan, validate_edits

    request = bp.current_request
    params = Params(request, ())
    edits = json_body(request)
    svc = services.get()
    principal, limit_headers = principal_of(request)
    owner = principal.owner
    current = svc.itineraries.get_owned(itinerary_id, owner)
    expected = if_match(request)
    if expected is not None:
        svc.itineraries.check_version(current, expected)  # fail before spending a solve
    lang = _lang(params, None) if query_param(request, "lang") else current.plan.get("lang")
    catalog = svc.planning_catalog()
    validate_edits(current.plan, edits, catalog, svc.plan_settings)  # bad edits cost no plan
    limit_headers.update(svc.charge_plans(principal))
    stored = request_from_json(current.plan.get("request"), catalog, svc.plan_settings)

    def replan_and_store() -> ItineraryRecord:
        crowding = svc.with_crowds(stored, without=current.plan, catalog=catalog).crowding
        new_plan = svc.solve(
            replan, current.plan, edits, catalog, settings=svc.plan_settings, lang=lang, crowding=crowding
        )
        return svc.itineraries.update(
            itinerary_id, owner, current.version, new_plan.get("request", current.request), new_plan
        )

    try:
        record = svc.booked(replan_and_store)
    except Conflict as stale:
        if expected is not None:
            raise  # the caller's If-Match is out of date: 412
        # No If-Match: someone else changed the plan while this one was solved.
        raise YueyouError(
            "concurrent_update",
            Text(
                "行程在重新规划期间被他人修改，请重新读取后再试",
                "the itinerary changed while it was being replanned; re-read it and retry",
            ),
            status=409,
            details=dict(stale.details or {}, retry_after=1),
        ) from None
    return json_response(document(record), headers=_headers(record, limit_headers))
