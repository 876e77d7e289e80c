"""Reads of the referrals app."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import QuerySet

from jiesu.privacy import mask_phone
from jiesu.referrals.models import ReferralImport, ReferralRow

LOOKUP_CHUNK = 900  # below SQLite's older bound on a statement's parameters


def imported_numbers(keys: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """(source, reference) → the number of the request already recorded for it, for the keys given."""
    by_source: dict[str, list[str]] = defaultdict(list)
    for source, reference in keys:
        by_source[source].append(reference)
    found: dict[tuple[str, str], str] = {}
    for source, references in by_source.items():
        for start in range(0, len(references), LOOKUP_CHUNK):
            rows = ReferralRow.objects.filter(
                source_name=source, reference__in=references[start : start + LOOKUP_CHUNK]
            ).values_list("reference", "ticket__number")
            found.update({(source, reference): number for reference, number in rows})
    return found


def recent_imports() -> QuerySet[ReferralImport]:
    return ReferralImport.objects.select_related("uploaded_by").defer(
        "content", "judged", "failures", "duplicates"
    )


def created_rows(batch: ReferralImport) -> list[dict[str, Any]]:
    """The requests a batch recorded, contacts masked (R10.2)."""
    return [
        {
            "line": line,
            "reference": reference,
            "number": number,
            "requester": name,
            "phone": mask_phone(phone),
            "subject": subject,
        }
        for line, reference, number, name, phone, subject in ReferralRow.objects.filter(batch=batch)
        .order_by("line")
        .values_list(
            "line",
            "reference",
            "ticket__number",
            "ticket__requester_name",
            "ticket__contact_phone",
            "ticket__subject",
        )
    ]
