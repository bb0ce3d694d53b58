"""/v1/pois and /v1/venues: the catalog as GeoJSON."""

from __future__ import annotations

from chalice import Blueprint

from .. import services
from ..catalog.model import CATEGORIES, SPORTS
from ..catalog.query import PoiQuery, search
from ..errors import invalid
from ..render.catalog import feature_collection, poi_feature
from ..timeutil import parse_datetime
from .http import CORS, GEOJSON_TYPE, Params, endpoint, json_response, next_cursor

bp = Blueprint(__name__)
api = endpoint(lambda: bp.current_request)

MAX_RADIUS_KM = 300.0


@bp.route("/v1/pois", methods=["GET"], cors=CORS)
@api
def list_pois():
    params = Params(
        bp.current_request, ("category", "district", "q", "near", "radius_km", "open_at", "limit", "cursor")
    )
    catalog = services.get().catalog
    near = params.lonlat("near")
    radius = params.number("radius_km", low=0.001, high=MAX_RADIUS_KM)
    if params.get("radius_km") is not None and near is None:
        raise invalid("radius_km", "radius_km needs near=lon,lat", "radius_km 需要同时提供 near=经度,纬度")
    if near is not None and radius is None:
        radius = 5.0
    open_at = params.get("open_at")
    query = PoiQuery(
        categories=params.choice_list("category", CATEGORIES),
        districts=params.choice_list("district", sorted(catalog.districts)),
        text=(params.get("q") or "").strip()[:100],
        near=near,
        radius_km=radius,
        open_at=None if open_at is None else parse_datetime(open_at, "open_at"),
    )
    limit, offset = params.page()
    found = search(catalog, query)
    features = []
    for poi, distance in found[offset : offset + limit]:
        extra = {} if distance is None else {"distance_km": round(distance, 3)}
        features.append(poi_feature(poi, catalog, params.lang, **extra))
    return json_response(
        feature_collection(
            features,
            total=len(found),
            limit=limit,
            next_cursor=next_cursor(offset, limit, len(found)),
            lang=params.lang,
        ),
        content_type=GEOJSON_TYPE,
    )


@bp.route("/v1/pois/{poi_id}", methods=["GET"], cors=CORS)
@api
def get_poi(poi_id: str):
    params = Params(bp.current_request, ())
    catalog = services.get().catalog
    return json_response(poi_feature(catalog.poi(poi_id), catalog, params.lang), content_type=GEOJSON_TYPE)


@bp.route("/v1/venues", methods=["GET"], cors=CORS)
@api
def list_venues():
    params = Params(bp.current_request, ("sport",))
    svc = services.get()
    catalog = svc.catalog
    sports = params.choice_list("sport", SPORTS)
    events = svc.events.all()
    features = []
    for venue in sorted(catalog.venues(), key=lambda p: p.id):
        if sports and not (venue.venue and set(sports) & set(venue.venue.sports)):
            continue
        sessions = [e for e in events if e.venue_id == venue.id]
        features.append(
            poi_feature(
                venue,
                catalog,
                params.lang,
                session_count=len(sessions),
                first_session=sessions[0].start.isoformat() if sessions else None,
                last_session=sessions[-1].end.isoformat() if sessions else None,
            )
        )
    return json_response(feature_collection(features, total=len(features), lang=params.lang), content_type=GEOJSON_TYPE)
