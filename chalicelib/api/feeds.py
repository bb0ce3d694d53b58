"""/v1/admin/feeds: run feed ingestion on demand and see each feed's state.

Protected by a shared token whose SHA-256 (hex) is in the stage's
YUEYOU_ADMIN_TOKEN_SHA256: the secret itself never sits in config, and the
comparison is constant-time. Without that setting the endpoints are off
(403), so a stage that forgot to configure it is closed, not open.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from chalice import Blueprint

from .. import services
from ..errors import YueyouError
from ..feeds.service import feed_states, run_ingest
from ..i18n import Text
from .http import Params, endpoint, json_response, request_header

bp = Blueprint(__name__)
api = endpoint(lambda: bp.current_request)


def require_admin() -> None:
    expected = os.environ.get("YUEYOU_ADMIN_TOKEN_SHA256", "").strip().lower()
    if not expected:
        raise YueyouError(
            "admin_disabled",
            Text(
                "管理接口未启用：未设置 YUEYOU_ADMIN_TOKEN_SHA256",
                "admin endpoints are disabled: YUEYOU_ADMIN_TOKEN_SHA256 is not set",
            ),
            field="x-admin-token",
            status=403,
        )
    token = request_header(bp.current_request, "x-admin-token")
    digest = hashlib.sha256(token.encode("utf-8")).hexdigest()
    if not token or not hmac.compare_digest(digest, expected):
        raise YueyouError(
            "forbidden",
            Text("缺少或错误的管理令牌（x-admin-token）", "missing or wrong admin token (x-admin-token)"),
            field="x-admin-token",
            status=403,
        )


@bp.route("/v1/admin/feeds/ingest", methods=["POST"])
@api
def ingest_feeds():
    require_admin()
    params = Params(bp.current_request, ("feed",))
    reports = run_ingest(services.get(), only=params.get("feed"))
    return json_response(
        {"reports": [r.to_json(params.lang) for r in reports], "ok": all(r.ok for r in reports), "lang": params.lang}
    )


@bp.route("/v1/admin/feeds", methods=["GET"])
@api
def list_feed_states():
    require_admin()
    params = Params(bp.current_request, ())
    return json_response({"feeds": feed_states(services.get()), "lang": params.lang})
