"""``{{ clock.due_at|deadline }}``: a due instant as people read it (midnight is 24:00 of the day before)."""

from __future__ import annotations

import datetime as dt

from django import template

from jiesu.workcalendar.display import Style, deadline_text

register = template.Library()


@register.filter
def deadline(due: dt.datetime | None, style: str = Style.FULL) -> str:
    return deadline_text(due, style)
