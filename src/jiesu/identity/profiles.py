"""What an identity service says about a person, read through the school's attribute names (pure code)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings

from jiesu.org.models import RequesterKind


@dataclass(frozen=True)
class Profile:
    """The person as the identity service describes them; empty strings where it said nothing usable."""

    number: str = ""  # 学号/工号
    full_name: str = ""
    kind: str = ""  # a RequesterKind value, or "" when the service's value maps to none
    unit: str = ""  # the unit's name as the service sends it (kept with the identity, never a role)


def _first(value: object) -> str:
    """CAS attributes may be single values or lists (a multi-valued attribute): take the first, as text."""
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    return "" if value is None else str(value).strip()


def kind_map() -> dict[str, str]:
    """The school's kind values → requester kinds (``JIESU_CAS_KIND_MAP``) plus the kinds' own codes."""
    mapping = {choice: choice for choice in RequesterKind.values}
    for pair in settings.JIESU_CAS_KIND_MAP.split(","):
        source, _sep, target = pair.partition("=")
        if source.strip() and target.strip() in RequesterKind.values:
            mapping[source.strip()] = target.strip()
    return mapping


def cas_profile(attributes: Mapping[str, object] | None) -> Profile:
    """Read the released CAS attributes by the names the school configured (``JIESU_CAS_ATTR_*``)."""
    attributes = attributes or {}
    kind = _first(attributes.get(settings.JIESU_CAS_ATTR_KIND))
    return Profile(
        number=_first(attributes.get(settings.JIESU_CAS_ATTR_NUMBER))[:32],
        full_name=_first(attributes.get(settings.JIESU_CAS_ATTR_NAME))[:64],
        kind=kind_map().get(kind, ""),
        unit=_first(attributes.get(settings.JIESU_CAS_ATTR_UNIT))[:64],
    )
