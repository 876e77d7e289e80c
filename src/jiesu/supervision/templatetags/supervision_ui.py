"""Display helpers for the assessment pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def pct(value: float | None) -> str:
    """0.8333 → 83.3%; None (nothing to rate) → —."""
    if value is None:
        return "—"
    return f"{100 * value:.1f}%"


@register.filter
def points(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


@register.filter
def count(value: float) -> str:
    """Counts are whole numbers; a weighted count keeps its decimals."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
