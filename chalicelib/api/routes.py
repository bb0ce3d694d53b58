"""/v1/routes: curated tourist routes (Tang Poetry Road, city lines)."""

from __future__ import annotations

from chalice import Blueprint

from .. import services
from ..render.catalog import route_collection, route_summary
from .http import CORS, GEOJSON_TYPE, Params, endpoint, json_response

bp = Blueprint(__name__)
api = endpoint(lambda: bp.current_request)


@bp.route("/v1/routes", methods=["GET"], cors=CORS)
@api
def list_routes():
    params = Params(bp.current_request, ("kind",))
    catalog = services.get().catalog
    kinds = params.choice_list("kind", ("poetry-road", "sports", "city-line"))
    routes = [
        route_summary(r, params.lang)
        for r in sorted(catalog.routes.values(), key=lambda r: r.id)
        if not kinds or r.kind in kinds
    ]
    return json_response({"routes": routes, "total": len(routes), "lang": params.lang})


@bp.route("/v1/routes/{route_id}", methods=["GET"], cors=CORS)
@api
def get_route(route_id: str):
    params = Params(bp.current_request, ())
    catalog = services.get().catalog
    return json_response(route_collection(catalog.route(route_id), catalog, params.lang), content_type=GEOJSON_TYPE)
