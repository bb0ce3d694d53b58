"""Start the real service on either store (SQLite file or DynamoDB on moto)."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path

from .moto_server import REGION
from .server import local_server


def store_env(
    store: str, tmp: Path, moto_endpoint: str | None = None, dynamo_client=None
) -> tuple[dict[str, str], str, str | None]:
    """(environment, chalice stage, DynamoDB table or None) for a server on ``store``."""
    if store == "sqlite":
        return {"YUEYOU_SQLITE_PATH": str(tmp / "yueyou.db")}, "dev", None
    from chalicelib.store.dynamodb import create_table

    table = f"yueyou-it-{uuid.uuid4().hex[:10]}"
    create_table(dynamo_client, table)
    # The stage's config sets YUEYOU_STORE (dev: sqlite), as chalice local does.
    return (
        {
            "YUEYOU_TABLE": table,
            "YUEYOU_DYNAMODB_ENDPOINT": str(moto_endpoint),
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
        },
        "local-dynamodb",
        table,
    )


@contextlib.contextmanager
def service_on(
    store: str, tmp: Path, moto_endpoint: str | None = None, dynamo_client=None, extra_env: dict[str, str] | None = None
) -> Iterator[str]:
    env, stage, _ = store_env(store, tmp, moto_endpoint, dynamo_client)
    with local_server(dict(env, **(extra_env or {})), stage=stage) as base:
        yield base
