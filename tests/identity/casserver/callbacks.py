"""mama-cas attribute callback: release the person's attributes from ``people.PEOPLE``."""

from __future__ import annotations

from typing import Any

from tests.identity.casserver.people import PEOPLE


def school_attributes(user: Any, service: str) -> dict[str, str]:
    return dict(PEOPLE.get(user.get_username(), {}))
