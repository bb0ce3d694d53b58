"""/v1/health: is the catalog loaded and the store reachable?"""

from __future__ import annotations

from chalice import Blueprint

from .. import services
from ..i18n import Text
from .http import CORS, Params, endpoint, json_response

bp = Blueprint(__name__)
api = endpoint(lambda: bp.current_request)

VERSION = "0.1.0"


@bp.route("/v1/health", methods=["GET"], cors=CORS)
@api
def health():
    params = Params(bp.current_request, ())
    svc = services.get()
    catalog = svc.catalog
    store = svc.store.health()
    return json_response(
        {
            "status": "ok",
            "message": Text("越游服务运行正常", "Yueyou is up").get(params.lang),
            "version": VERSION,
            "stage": svc.settings.stage,
            "catalog": {"pois": len(catalog.pois), "events": len(catalog.events), "routes": len(catalog.routes)},
            "store": store,
        }
    )
