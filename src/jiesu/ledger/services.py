"""Writes of the ledger app: the export audit record (R8.1, R10.2) and a person's saved filters."""

from __future__ import annotations

from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from jiesu.ledger.models import LedgerExport, SavedFilter
from jiesu.ledger.reports import LedgerReport
from jiesu.org.models import User


def ledger_export_record(
    *, actor: User | None, report: LedgerReport, row_count: int, source: str, full_contacts: bool
) -> LedgerExport:
    """Record who exported which ledger, with which filters and how many rows (append-only)."""
    return LedgerExport.objects.create(
        user=actor,
        at=timezone.now(),
        source=source,
        scope=report.scope.kind.value,
        filters=report.filters.as_json()
        | ({"units": sorted(report.scope.unit_ids)} if report.scope.unit_ids else {}),
        row_count=row_count,
        full_contacts=full_contacts,
    )


SAVED_FILTERS_MAX = 20
_NOT_SAVED = ("after", "before", "csrfmiddlewaretoken", "name")


class SavedFilterError(ValueError):
    """A saved filter refused, with a message for the person."""


def saved_filter_save(*, actor: User, name: str, query: QueryDict) -> SavedFilter:
    """Save (or overwrite, by name) the ledger's current filters under ``name`` for ``actor``."""
    name = name.strip()
    if not name:
        raise SavedFilterError(_("Give the filter a name."))
    if len(name) > SavedFilter._meta.get_field("name").max_length:  # type: ignore[operator]
        raise SavedFilterError(_("The name is too long (at most 40 characters)."))
    kept = query.copy()
    for key in _NOT_SAVED:
        kept.pop(key, None)
    with transaction.atomic():
        existing = SavedFilter.objects.select_for_update().filter(user=actor, name=name).first()
        if existing is None and SavedFilter.objects.filter(user=actor).count() >= SAVED_FILTERS_MAX:
            raise SavedFilterError(
                _("You have %(n)d saved filters already; delete one first.") % {"n": SAVED_FILTERS_MAX}
            )
        saved, _created = SavedFilter.objects.update_or_create(
            user=actor,
            name=name,
            defaults={"query": kept.urlencode()[:1000], "created_at": timezone.now()},
        )
    return saved


def saved_filter_delete(*, actor: User, pk: int) -> None:
    """Delete one of ``actor``'s own saved filters (someone else's is left alone)."""
    SavedFilter.objects.filter(user=actor, pk=pk).delete()
