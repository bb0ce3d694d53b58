from __future__ import annotations

import pytest

from chalicelib.catalog import bundle


@pytest.fixture(scope="session")
def catalog():
    return bundle.load()
