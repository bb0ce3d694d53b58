"""Start the real service on either store (SQLite file or DynamoDB on moto)."""
from __future__ import annotations

import contextlib
import uuid
from pathlib import Path
from typing import Iterator

from .moto_server import REGION
from .server import local_server


@contextlib.contextmanager
def service_on(store: str, tmp: Path, moto_endpoint: str | None = None, dynamo_client=None,
               extra_env: dict[str, str] | None = None) -> Iterator[str]:
    env = dict(extra_env or {})
    if store == "sqlite":
        env["YUEYOU_SQLITE_PATH"] = str(tmp / "yueyou.db")
        with local_server(env) as base:
            yield base
        return
    from chalicelib.store.dynamodb import create_table
    table = f"yueyou-it-{uuid.uuid4().hex[:10]}"
    create_table(dynamo_client, table)
    env.update({"YUEYOU_TABLE": table, "YUEYOU_DYNAMODB_ENDPOINT": moto_endpoint,
                "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": REGION, "AWS_REGION": REGION})
    with local_server(env, stage="local-dynamodb") as base:
        yield base
