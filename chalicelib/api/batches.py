"""/v1/batches: group plans for travel agencies, processed asynchronously."""

from __future__ import annotations

from chalice import Blueprint

from .. import services
from .access import caller
from .body import json_body
from .http import CORS, Params, endpoint, json_response

bp = Blueprint(__name__)
api = endpoint(lambda: bp.current_request)


@bp.route("/v1/batches", methods=["POST"], cors=CORS, content_types=["application/json"])
@api
def create_batch():
    request = bp.current_request
    params = Params(request, ())
    body = json_body(request)
    svc = services.get()
    count = len(svc.batches.check_shape(body))  # a malformed batch costs no quota
    owner, limit_headers = caller(request, "plan", count)
    batch_id = svc.batches.create(owner, body)
    status = svc.batches.status(batch_id, owner, params.lang)
    headers = dict(limit_headers, Location=f"/v1/batches/{batch_id}")
    return json_response(status, status=202, headers=headers)


@bp.route("/v1/batches/{batch_id}", methods=["GET"], cors=CORS)
@api
def get_batch(batch_id: str):
    request = bp.current_request
    params = Params(request, ())
    owner, limit_headers = caller(request)
    return json_response(services.get().batches.status(batch_id, owner, params.lang), headers=limit_headers)
