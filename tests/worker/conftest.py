"""Worker test fixtures."""

from __future__ import annotations

import pytest

from jiesu.worker import sweep


@pytest.fixture(autouse=True)
def _forget_digest_memo() -> None:
    """The sweep remembers per process that today's digests are made; each test starts afresh."""
    sweep._digests_done_for = None
