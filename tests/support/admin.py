"""The operator CLI (``python -m chalicelib.admin``) against a test's store, as an operator runs it."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.support.server import ROOT


def admin(env: dict[str, str], *args: str) -> str:
    """Run the admin command with the stage settings in ``env``; its stdout (exit 0 asserted)."""
    out = subprocess.run(
        [sys.executable, "-m", "chalicelib.admin", *args],
        cwd=ROOT,
        env=dict(os.environ, **env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def new_key(env: dict[str, str], owner: str, quota: int, *extra: str) -> str:
    """A new account's API key (``extra``: e.g. ``--scope operator``)."""
    return admin(env, "keys", "create", "--owner", owner, "--daily-quota", str(quota), *extra).strip().splitlines()[-1]
