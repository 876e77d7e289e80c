"""The supervision numbers, read from ``settings.JIESU_RULES`` (keys other apps do not know are theirs to
ignore) over these defaults. No official figure is published for them, so they are settings.

====================  =======  =======================================================================
key                   default  meaning
====================  =======  =======================================================================
``ORDER_DAYS``        ``3``    R8.2 working days for the unit's written answer to an order (督办)
``ORDER_LISTED_DAYS`` ``2``    R8.2 working days for a listed order (挂牌督办, the stricter level)
``ORDER_RETURN_DAYS`` ``1``    R8.2 working days for a new answer after the answer was returned
``ORDER_ESCALATE_DAYS`` ``1``  R8.2 working days after the unit head was alerted before the leader is
``INSPECTION_SAMPLE`` ``10``   R8.5 tickets drawn per inspection unless the inspector names a size
====================  =======  =======================================================================
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from jiesu.supervision.states import OrderLevel


@dataclass(frozen=True, slots=True)
class SupervisionRules:
    ORDER_DAYS: int = 3
    ORDER_LISTED_DAYS: int = 2
    ORDER_RETURN_DAYS: int = 1
    ORDER_ESCALATE_DAYS: int = 1
    INSPECTION_SAMPLE: int = 10

    def order_days(self, level: str) -> int:
        return self.ORDER_LISTED_DAYS if level == OrderLevel.LISTED else self.ORDER_DAYS


def supervision_rules() -> SupervisionRules:
    """Read on each call (a dict lookup): ``override_settings`` in tests needs no cache reset."""
    values = dict(getattr(settings, "JIESU_RULES", {}) or {})
    chosen: dict[str, int] = {}
    for f in fields(SupervisionRules):
        if f.name in values:
            value = values[f.name]
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ImproperlyConfigured(
                    f"JIESU_RULES[{f.name!r}] must be a positive integer, got {value!r}"
                )
            chosen[f.name] = value
    return SupervisionRules(**chosen)
