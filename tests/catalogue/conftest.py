from __future__ import annotations

import pytest

from jiesu.catalogue.seeding import catalogue_seed


@pytest.fixture
def catalogue(demo_org: None) -> None:
    """The demo's catalogue, seeded from the units' remits (version 1)."""
    catalogue_seed()
