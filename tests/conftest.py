from __future__ import annotations

import uuid

import pytest

from chalicelib.catalog import bundle


@pytest.fixture(scope="session")
def catalog():
    return bundle.load()


@pytest.fixture(scope="session")
def moto_endpoint():
    from tests.support.moto_server import moto_server

    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture(scope="session")
def dynamo_client(moto_endpoint):
    from tests.support.moto_server import dynamodb_client

    return dynamodb_client(moto_endpoint)


@pytest.fixture()
def dynamo_table(dynamo_client):
    from chalicelib.store.dynamodb import create_table

    name = f"yueyou-test-{uuid.uuid4().hex[:12]}"
    create_table(dynamo_client, name)
    yield name
    dynamo_client.delete_table(TableName=name)


@pytest.fixture(params=["sqlite", pytest.param("dynamodb", marks=pytest.mark.integration)])
def store(request, tmp_path):
    """The same test on the embedded store and on DynamoDB (moto server over HTTP)."""
    if request.param == "sqlite":
        from chalicelib.store.sqlite import SqliteStore

        return SqliteStore(tmp_path / "store.db")
    from chalicelib.store.dynamodb import DynamoStore

    return DynamoStore(request.getfixturevalue("dynamo_table"), request.getfixturevalue("dynamo_client"))


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    """The app in this process (chalice.test.Client) on a fresh SQLite file, for one
    test module: the HTTP contract without sockets (``tests/support/inproc.py``)."""
    from tests.support.inproc import in_process

    with in_process(tmp_path_factory.mktemp("store") / "yueyou.db") as client:
        yield client


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """The service as ``make run`` serves it, on a fresh SQLite file, for one test module."""
    from tests.support.server import local_server

    db = tmp_path_factory.mktemp("store") / "yueyou.db"
    with local_server({"YUEYOU_SQLITE_PATH": str(db)}) as url:
        yield url
