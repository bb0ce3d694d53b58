"""The operator commands, run as operators run them: a subprocess reading
YUEYOU_* settings, against SQLite and against DynamoDB (moto)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from chalicelib.auth import KeyStore, Unauthorized
from chalicelib.auth.keys import COLLECTION

from .conftest import all_items

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def admin(store, request):
    """Run ``python -m chalicelib.admin`` on the same store as ``store``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("YUEYOU_", "AWS_"))}
    if hasattr(store, "table_name"):
        env.update(
            YUEYOU_STORE="dynamodb",
            YUEYOU_TABLE=store.table_name,
            YUEYOU_DYNAMODB_ENDPOINT=request.getfixturevalue("moto_endpoint"),
            AWS_ACCESS_KEY_ID="testing",
            AWS_SECRET_ACCESS_KEY="testing",
            AWS_SESSION_TOKEN="testing",
            AWS_DEFAULT_REGION="ap-southeast-1",
        )
    else:
        env.update(YUEYOU_STORE="sqlite", YUEYOU_SQLITE_PATH=store.path)

    def run(*args: str, ok: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [sys.executable, "-m", "chalicelib.admin", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if ok:
            assert done.returncode == 0, done.stderr
        return done

    return run


def test_keys_create_list_revoke(admin, store):
    done = admin(
        "keys",
        "create",
        "--owner",
        "绍兴旅行社",
        "--daily-quota",
        "50",
        "--rate-per-minute",
        "20",
        "--origin",
        "https://a.example.com",
        "--origin",
        "https://b.example.com",
    )
    key = done.stdout.splitlines()[-1]
    assert key == key.strip() and key.startswith("yy_") and " " not in key
    keys = KeyStore(store)
    principal = keys.authenticate(key)
    assert principal.owner.startswith("acct_") and principal.owner in done.stdout
    assert (keys.get(principal.key_id).owner, principal.daily_quota, principal.rate_per_minute, principal.origins) == (
        "绍兴旅行社",
        50,
        20,
        ("https://a.example.com", "https://b.example.com"),
    )
    secret = key.split("_")[2]
    assert all(secret not in repr(item.data) for item in all_items(store, COLLECTION))

    listed = admin("keys", "list")
    assert secret not in listed.stdout and key not in listed.stdout
    assert f"yy_{principal.key_id}" in listed.stdout and "绍兴旅行社" in listed.stdout
    as_json = admin("keys", "list", "--json")
    assert secret not in as_json.stdout and '"daily_quota": 50' in as_json.stdout

    refused = admin("keys", "create", "--owner", "绍兴旅行社", "--daily-quota", "5", ok=False)
    assert principal.owner in refused.stderr  # the name is taken: says by whom
    second = admin("keys", "create", "--account", principal.owner, "--daily-quota", "5")
    assert keys.authenticate(second.stdout.splitlines()[-1]).owner == principal.owner

    revoked = admin("keys", "revoke", principal.key_id)
    assert "revoked" in revoked.stdout
    with pytest.raises(Unauthorized):
        keys.authenticate(key)
    assert f"yy_{principal.key_id}" not in admin("keys", "list", "--active").stdout


def test_keys_create_defaults_and_errors(admin):
    done = admin("keys", "create", "--owner", "A", "--daily-quota", "5")
    assert "60 requests/minute" in done.stdout
    bad = admin("keys", "create", "--owner", "A", "--daily-quota", "-5", ok=False)
    assert bad.returncode == 2 and "daily_quota" in bad.stderr and bad.stdout == ""
    missing = admin("keys", "revoke", "0123456789abcdef", ok=False)
    assert missing.returncode == 1 and "0123456789abcdef" in missing.stderr
