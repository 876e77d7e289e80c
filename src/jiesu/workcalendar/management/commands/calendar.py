"""`jiesu calendar`: import a year's official arrangement, or show a year (R5).

jiesu calendar import 2027.csv     # header date,kind,name; kind is holiday or workday
jiesu calendar show 2027 [--json]
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from jiesu.cli import CliError, JsonErrorCommand
from jiesu.workcalendar import selectors, services
from jiesu.workcalendar.core import DayInfo
from jiesu.workcalendar.importing import CalendarImportError, decode, parse_calendar_csv
from jiesu.workcalendar.models import CalendarOverride
from jiesu.workcalendar.statutory import LUNAR_MAX_YEAR, LUNAR_MIN_YEAR

_WEEKDAYS = (
    pgettext_lazy("weekday, short", "Mon"),
    pgettext_lazy("weekday, short", "Tue"),
    pgettext_lazy("weekday, short", "Wed"),
    pgettext_lazy("weekday, short", "Thu"),
    pgettext_lazy("weekday, short", "Fri"),
    pgettext_lazy("weekday, short", "Sat"),
    pgettext_lazy("weekday, short", "Sun"),
)
_SOURCES = {
    "import": gettext_lazy("Imported official arrangement"),
    "package": gettext_lazy("chinese-calendar official data"),
    "statutory": gettext_lazy("Computed from the statutory holidays (provisional)"),
}


def _day_line(day: DayInfo) -> str:
    label = day.name or day.note
    return f"  {day.day.isoformat()} {_WEEKDAYS[day.day.weekday()]}  {label}".rstrip()


def _override_line(override: CalendarOverride) -> str:
    state = _("Working") if override.working else _("Day off")
    by = _(" (%(who)s, %(when)s)") % {
        "who": override.updated_by or _("Command line"),
        "when": f"{timezone.localtime(override.updated_at):%Y-%m-%d %H:%M}",  # Asia/Shanghai, not UTC
    }
    return f"  {override.date.isoformat()} {state}  {override.note}{by}"


class Command(JsonErrorCommand):
    help = "Import a year's official holiday arrangement from CSV, or show a year's working days."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        importer = actions.add_parser("import", help="import FILE.csv (header date,kind,name)")
        importer.add_argument("file", type=Path)
        shower = actions.add_parser("show", help="show YEAR")
        shower.add_argument("year", type=int)
        shower.add_argument("--json", action="store_true", help="machine-readable output")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            self._import(options["file"])
        else:
            self._show(options["year"], as_json=options["json"])

    def _import(self, path: Path) -> None:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise CliError("unreadable_file", f"cannot read {path}: {exc.strerror}") from None
        try:
            rows = parse_calendar_csv(decode(raw))
        except CalendarImportError as exc:
            problems = [{"line": p.line, "reason": p.reason} for p in exc.problems]
            raise CliError("invalid_file", f"{path.name}: {exc}", problems=problems) from None
        record = services.calendar_import(
            rows=rows, actor=None, filename=path.name, sha256=hashlib.sha256(raw).hexdigest()
        )
        years = "、".join(str(y) for y in record.years)
        self.stdout.write(
            _(
                "Imported %(file)s: %(rows)s row(s) covering %(years)s (now official data); "
                "%(days)s date(s) changed, %(recomputed)s deadline(s) recomputed."
            )
            % {
                "file": path.name,
                "rows": record.row_count,
                "years": years,
                "days": record.changed_days,
                "recomputed": record.recomputed,
            }
        )

    def _show(self, year: int, *, as_json: bool) -> None:
        if not LUNAR_MIN_YEAR <= year <= LUNAR_MAX_YEAR:
            raise CliError("bad_year", f"year must be between {LUNAR_MIN_YEAR} and {LUNAR_MAX_YEAR}")
        overview = selectors.year_overview(year)
        if as_json:
            self.stdout.write(json.dumps(_as_json(overview), ensure_ascii=False))
            return
        status = (
            _("Official")
            if overview.official
            else _(
                "Provisional (the State Council's holiday arrangement has not been imported; "
                "computed from weekends and the statutory holidays, R5.3)"
            )
        )
        lines = [
            _("%(year)s: %(status)s") % {"year": year, "status": status},
            _("Data source: %(source)s") % {"source": _SOURCES[overview.source]},
            _("Working days: %(count)s") % {"count": overview.working_day_count},
            _("Holidays (%(count)s day(s)):") % {"count": len(overview.holidays)},
            *(_day_line(d) for d in overview.holidays),
            _("Make-up working days (%(count)s day(s)):") % {"count": len(overview.makeup_days)},
            *(_day_line(d) for d in overview.makeup_days),
            _("Admin overrides (%(count)s day(s)):") % {"count": len(overview.overrides)},
            *(_override_line(o) for o in overview.overrides),
        ]
        self.stdout.write("\n".join(lines))


def _as_json(overview: selectors.YearOverview) -> dict[str, object]:
    def day(d: DayInfo) -> dict[str, object]:
        return {"date": d.day.isoformat(), "name": d.name, "source": str(d.source)}

    return {
        "year": overview.year,
        "official": overview.official,
        "source": str(overview.source),
        "working_days": overview.working_day_count,
        "holidays": [day(d) for d in overview.holidays],
        "makeup_days": [day(d) for d in overview.makeup_days],
        "overrides": [
            {"date": o.date.isoformat(), "working": o.working, "note": o.note} for o in overview.overrides
        ],
    }
