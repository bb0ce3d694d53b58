"""/v1/itineraries: plan a trip with the OR-Tools engine."""
from __future__ import annotations

from chalice import Blueprint

from ..planning import plan
from . import services
from .body import json_body
from .http import Params, endpoint, json_response

bp = Blueprint(__name__)
api = endpoint(lambda: bp.current_request)


@bp.route("/v1/itineraries", methods=["POST"], cors=True, content_types=["application/json"])
@api
def create_itinerary():
    request = bp.current_request
    params = Params(request, ())
    data = json_body(request)
    svc = services.get()
    lang = request.query_params.get("lang") if request.query_params else None
    result = plan(data, svc.catalog, settings=svc.plan_settings, lang=lang or data.get("lang") or params.lang)
    return json_response(result)
