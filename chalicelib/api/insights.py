"""Crowds and capacity (issue #17): the operators' insights (an API key with
the ``operator`` scope), and the public busy/quiet hint."""

from __future__ import annotations

from datetime import datetime

from chalice import Blueprint, Response

from .. import services
from ..crowds.capacity import parse_limit
from ..crowds.views import capacity_view, operator_view, public_view
from ..errors import YueyouError
from ..i18n import Text
from ..timeutil import SHANGHAI, iso, parse_date
from .access import principal_of
from .body import json_body
from .http import CORS, Params, ResponseHeaders, endpoint, json_response

bp = Blueprint(__name__)
api = endpoint(lambda: bp.current_request)


def _operator() -> dict[str, str]:
    """The caller must hold an API key with the operator scope; its rate-limit headers."""
    principal, headers = principal_of(bp.current_request)
    if "operator" not in principal.scopes:
        raise YueyouError(
            "forbidden",
            Text("需要具有 operator 权限的 API 密钥", "an API key with the operator scope is required"),
            field="x-api-key",
            status=403,
        )
    return headers


def _day(params: Params) -> str:
    value = params.get("date")
    if value is None:
        return datetime.now(SHANGHAI).date().isoformat()
    return parse_date(value, "date").isoformat()


def _poi(params: Params) -> str | None:
    poi_id = params.get("poi")
    if poi_id is not None:
        services.get().catalog.poi(poi_id, "poi")  # 404 naming poi
    return poi_id


@bp.route("/v1/insights/crowds", methods=["GET"], cors=CORS)
@api
def crowd_insights() -> Response:
    params = Params(bp.current_request, ("date", "poi"))
    headers = _operator()
    svc = services.get()
    view = operator_view(svc.crowds, svc.planning_catalog(), _day(params), _poi(params), params.lang)
    return json_response(view, headers=dict(headers, **{"Cache-Control": "private, max-age=60"}))


@bp.route("/v1/crowds", methods=["GET"], cors=CORS)
@api
def crowd_hints() -> Response:
    params = Params(bp.current_request, ("date", "poi"))
    svc = services.get()
    view = public_view(svc.crowds, svc.planning_catalog(), _day(params), _poi(params))
    return json_response(view, headers={"Cache-Control": "public, max-age=300"})


@bp.route("/v1/insights/capacity", methods=["GET"], cors=CORS)
@api
def list_capacity() -> Response:
    params = Params(bp.current_request, ("date",))
    headers = _operator()
    return json_response(capacity_view(services.get().capacity, _day(params)), headers=headers)


@bp.route("/v1/insights/capacity/{poi_id}", methods=["PUT"], cors=CORS, content_types=["application/json"])
@api
def set_capacity(poi_id: str) -> Response:
    Params(bp.current_request, ())
    headers = _operator()
    svc = services.get()
    svc.catalog.poi(poi_id, "poi_id")
    limit = parse_limit(poi_id, json_body(bp.current_request))
    svc.capacity.set_limit(limit, iso(datetime.now(SHANGHAI)))
    return json_response(limit.to_json(), headers=headers)


@bp.route("/v1/insights/capacity/{poi_id}", methods=["DELETE"], cors=CORS)
@api
def remove_capacity(poi_id: str) -> Response:
    Params(bp.current_request, ())
    headers = _operator()
    svc = services.get()
    svc.catalog.poi(poi_id, "poi_id")
    svc.capacity.remove_limit(poi_id)
    no_content: ResponseHeaders = dict(headers)
    return Response(body="", status_code=204, headers=no_content)
