"""Issuing, storing (hash only), authenticating and revoking API keys."""

from __future__ import annotations

import json

import pytest

from chalicelib.auth import KeyStore, Principal, Unauthorized
from chalicelib.auth.keys import COLLECTION, hash_key
from chalicelib.errors import InvalidInput, NotFound

from .conftest import all_items


def test_create_stores_only_a_hash(store, clock):
    keys = KeyStore(store, clock)
    record, key = keys.create(
        "Agency A",
        daily_quota=100,
        rate_per_minute=30,
        origins=["https://Agency.example.com/", "https://agency.example.com"],
    )
    prefix, key_id, secret = key.split("_")
    assert (prefix, key_id) == ("yy", record.key_id) and len(secret) == 48
    assert record.origins == ("https://agency.example.com",)
    assert record.created_at == "2023-09-26T10:00:00+08:00"
    items = all_items(store, COLLECTION)
    assert [i.key for i in items] == [record.key_id]
    dumped = json.dumps([i.data for i in items])
    assert secret not in dumped and key not in dumped
    assert items[0].data["key_sha256"] == hash_key(key)
    assert "key_sha256" not in record.to_json()


def test_authenticate_good_key(store):
    keys = KeyStore(store)
    record, key = keys.create("Agency A", daily_quota=5, rate_per_minute=7, origins=["https://a.example.com"])
    principal = keys.authenticate(key)
    assert record.owner == "Agency A" and record.account_id.startswith("acct_")
    assert principal == Principal(
        owner=record.account_id,
        key_id=record.key_id,
        anonymous=False,
        origins=("https://a.example.com",),
        daily_quota=5,
        rate_per_minute=7,
    )
    assert keys.authenticate(f"  {key} ") == principal  # stray whitespace from copy-paste


@pytest.mark.parametrize(
    "mangle",
    [
        lambda k: k[:-1] + ("0" if k[-1] != "0" else "1"),  # wrong secret
        lambda k: "yy_" + "f" * 16 + k[19:],  # unknown id, same secret
        lambda k: k.upper(),  # malformed
        lambda k: "",
        lambda k: "yy_",
        lambda k: "Bearer " + k,
        lambda k: None,
    ],
)
def test_authenticate_bad_keys(store, mangle):
    keys = KeyStore(store)
    _, key = keys.create("Agency A", daily_quota=5)
    with pytest.raises(Unauthorized) as info:
        keys.authenticate(mangle(key))
    error = info.value
    assert (error.status, error.code, error.field) == (401, "invalid_api_key", "x-api-key")
    assert error.message.zh != error.message.en


def test_secret_is_bound_to_its_key_id(store):
    keys = KeyStore(store)
    a, key_a = keys.create("A", daily_quota=5)
    b, _ = keys.create("B", daily_quota=5)
    swapped = f"yy_{b.key_id}_{key_a.split('_')[2]}"
    with pytest.raises(Unauthorized):
        keys.authenticate(swapped)


def test_revoked_key_is_refused(store, clock):
    keys = KeyStore(store, clock)
    record, key = keys.create("Agency A", daily_quota=5)
    other, other_key = keys.create("Agency B", daily_quota=5)
    clock.advance(hours=1)
    revoked = keys.revoke(record.prefix)  # the yy_<id> prefix works as well as the id
    assert revoked.revoked and revoked.revoked_at == "2023-09-26T11:00:00+08:00"
    with pytest.raises(Unauthorized) as info:
        keys.authenticate(key)
    assert info.value.code == "invalid_api_key" and "revoked" in info.value.message.en
    assert keys.authenticate(other_key).key_id == other.key_id
    assert keys.revoke(record.key_id) == revoked  # idempotent
    assert keys.get(record.key_id).revoked


def test_revoke_unknown_key(store):
    with pytest.raises(NotFound) as info:
        KeyStore(store).revoke("0123456789abcdef")
    assert info.value.field == "key_id"
    with pytest.raises(NotFound):
        KeyStore(store).revoke("not an id")


def test_list_shows_everything_but_secrets(store, clock):
    keys = KeyStore(store, clock)
    made = []
    for n in range(3):
        clock.advance(minutes=1)
        made.append(keys.create(f"owner-{n}", daily_quota=10 * n, rate_per_minute=n + 1))
    keys.revoke(made[1][0].key_id)
    listed = keys.list()
    assert [k.owner for k in listed] == ["owner-0", "owner-1", "owner-2"]
    assert [k.revoked for k in listed] == [False, True, False]
    assert [k.owner for k in keys.list(include_revoked=False)] == ["owner-0", "owner-2"]
    dumped = json.dumps([k.to_json() for k in listed])
    for _, key in made:
        assert key.split("_")[2] not in dumped


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"owner": ""}, "owner"),
        ({"owner": "anonymous:1.2.3.4"}, "owner"),
        ({"owner": "a\nb"}, "owner"),
        ({"daily_quota": -1}, "daily_quota"),
        ({"rate_per_minute": 0}, "rate_per_minute"),
        ({"origins": ["agency.example.com"]}, "origins"),
        ({"origins": ["https://a.example.com/embed"]}, "origins"),
        ({"origins": ["ftp://a.example.com"]}, "origins"),
    ],
)
def test_create_validates(store, kwargs, field):
    args = {"owner": "A", "daily_quota": 10, **kwargs}
    with pytest.raises(InvalidInput) as info:
        KeyStore(store).create(**args)
    assert info.value.field == field
    assert all_items(store, COLLECTION) == []


def test_plans_are_owned_by_an_account_id_not_a_name(store):
    # "Agency A" and "Agency A#Branch" once shared a listing prefix; owners are now
    # immutable account ids, and names are unique
    keys = KeyStore(store)
    a, _ = keys.create("Agency A", daily_quota=5)
    branch, _ = keys.create("Agency A#Branch", daily_quota=5)
    owners = {a.principal().owner, branch.principal().owner}
    assert all(o.startswith("acct_") and "#" not in o for o in owners) and len(owners) == 2
    with pytest.raises(InvalidInput) as taken:
        keys.create("  agency   a ", daily_quota=5)  # the same name, other case and spacing
    assert taken.value.field == "owner" and a.account_id in taken.value.message.en
    second, _ = keys.create(account_id=a.account_id, daily_quota=9)  # a second key, explicitly
    assert second.principal().owner == a.principal().owner and second.key_id != a.key_id
    assert sorted(acc.name for acc in keys.accounts()) == ["Agency A", "Agency A#Branch"]
    with pytest.raises(NotFound):
        keys.create(account_id="acct_" + "0" * 16, daily_quota=1)
    for both in ({}, {"owner": "X", "account_id": a.account_id}):
        with pytest.raises(InvalidInput):
            keys.create(daily_quota=1, **both)
