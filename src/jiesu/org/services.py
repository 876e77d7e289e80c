"""Writes of the org app: loading the customer's organization (rules §3, §11, R1.4)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.db import transaction

from jiesu.org import data
from jiesu.org.models import Campus, Hotline, Unit


@dataclass(frozen=True)
class OrganizationLoaded:
    """What ``organization_load`` found: the organization's rows now present, and how many it created."""

    campuses: int
    units: int
    hotlines: int
    created: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@transaction.atomic
def organization_load() -> OrganizationLoaded:
    """Create the campuses (R1.4), units (§3, incl. 党政办公室 and 总值班室) and hotlines with their numbers and
    service hours (§11) that are missing; rows already there are kept as they are, so what an administrator
    changed since (a number, opening hours, a deactivated unit) survives a second run. Creates no person."""
    created = 0
    campuses: dict[str, Campus] = {}
    for order, (code, name) in enumerate(data.CAMPUSES):
        campuses[code], new = Campus.objects.get_or_create(
            code=code,
            defaults={"name": name, "sort_order": order, "area_code": data.CAMPUS_AREA_CODES.get(code, "")},
        )
        created += new
    units: dict[str, Unit] = {}
    for order, (code, name, kind, parent, remit) in enumerate(data.UNITS):
        units[code], new = Unit.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "parent": units[parent] if parent else None,
                "remit": remit,
                "sort_order": order,
            },
        )
        created += new
    for unit_code, campus_code, number, label, days, (opens, closes) in data.HOTLINES:
        _line, new = Hotline.objects.get_or_create(
            unit=units[unit_code],
            campus=campuses[campus_code],
            defaults={
                "number": number,
                "service_label": label,
                "service_days": days,
                "opens_at": opens,
                "closes_at": closes,
            },
        )
        created += new
    return OrganizationLoaded(
        campuses=len(campuses),
        units=len(units),
        hotlines=Hotline.objects.filter(unit__code__in=[row[0] for row in data.HOTLINES]).count(),
        created=created,
    )
