"""The one check every text a person sends passes (issue 17 item 3): no NUL byte and no other control
character, except a line break or a tab in multi-line text; and an email address that is one address.

Used by intake (``tickets.services.intake``, so every channel gets it), by every API input schema
(``api.schemas.In``) and by the forms (``tickets.forms_intake.CleanTextMixin``). A control character in stored
text breaks exports, mail headers and PostgreSQL (which refuses NUL outright, a 500 before this check).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import partial
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

MULTILINE_ALLOWED = frozenset("\n\r\t")
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


# Unicode category Cc is exactly U+0000–U+001F and U+007F–U+009F (fixed by the standard); Zl and Zp are U+2028
# and U+2029. One regular expression search instead of a category lookup per character (bulk imports check
# every text of tens of thousands of rows); the test compares it with ``unicodedata`` over all of Unicode.
_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_FORBIDDEN_MULTILINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")  # not \t \n \r


def control_character(value: str, *, multiline: bool = True) -> str | None:
    """The first forbidden control character in ``value`` (Unicode category Cc, and the line and paragraph
    separators), or None. Multi-line text may hold line breaks and tabs."""
    found = (_FORBIDDEN_MULTILINE if multiline else _FORBIDDEN).search(value)
    return found.group() if found else None


def refuse_control_characters(value: object, *, multiline: bool = True) -> None:
    """Raise a ValidationError when a text holds a control character (forms and schemas call this)."""
    if isinstance(value, str) and control_character(value, multiline=multiline) is not None:
        raise ValidationError(
            _("The text contains control characters (such as a NUL byte); remove them and try again."),
            code="control_characters",
        )


def is_single_email(value: str) -> bool:
    """One valid address: no list (comma, semicolon, spaces), no CR/LF, nothing Django's validator refuses."""
    if not value or control_character(value, multiline=False) is not None:
        return False
    if any(sep in value for sep in ",; <>") or value.count("@") != 1:
        return False
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def refuse_odd_years(value: object) -> None:
    """Dates outside 2000–2100 are typos or probes; clock arithmetic near year 9999 would overflow."""
    if isinstance(value, dt.date) and not (EARLIEST_YEAR <= value.year <= LATEST_YEAR):
        raise ValidationError(_("Enter a date between the years 2000 and 2100."), code="date_range")


class CleanTextForm(forms.Form):
    """The site's base form: every text field refuses control characters (multi-line ones — a Textarea — keep
    their line breaks and tabs), every date field a year outside 2000–2100, with the message beside the field."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                multiline = isinstance(field.widget, forms.Textarea)
                field.validators.append(partial(refuse_control_characters, multiline=multiline))
            elif isinstance(field, forms.DateField | forms.DateTimeField):
                field.validators.append(refuse_odd_years)
