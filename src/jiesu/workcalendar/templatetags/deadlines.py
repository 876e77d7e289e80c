"""``{{ clock.due_at|deadline }}``: a due instant as people read it (midnight is 24:00 of the day before)."""

from __future__ import annotations

import datetime as dt

from django import template

from jiesu.workcalendar.display import Style, deadline_text, rule_words

register = template.Library()


@register.filter
def deadline(due: dt.datetime | None, style: str = Style.FULL) -> str:
    return deadline_text(due, style)


@register.filter
def rule(text: str) -> str:
    """``{{ clock.rule|rule }}``: the rule in words, without a rule id stored by older rows."""
    return rule_words(text or "")
