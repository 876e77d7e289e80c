"""The calendar's UI strings are English msgids with a zh_Hans catalog: Chinese by default, English on request."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from django.utils import translation

from jiesu.workcalendar import clocks
from jiesu.workcalendar.core import WorkCalendar

APP = Path(clocks.__file__).parent
# A gettext call or a translate tag whose literal starts a CJK run: a Chinese msgid.
CHINESE_MSGID = re.compile(
    r"""(?:\b_|gettext\w*|pgettext\w*)\(\s*(?:"[^"]*",\s*)?"[^"]*[\u4e00-\u9fff]"""
    r"""|\{%\s*(?:translate|trans)\s+"[^"]*[\u4e00-\u9fff]"""
    r"""|\{%\s*blocktrans(?:late)?\b[^%]*%\}[^{]*[\u4e00-\u9fff]"""
)


def test_no_chinese_msgids_in_the_app() -> None:
    """Every translatable string in jiesu.workcalendar is written in English; Chinese lives in the catalog."""
    offenders = [
        f"{path.relative_to(APP)}: {match.group(0)}"
        for path in APP.rglob("*")
        if path.suffix in {".py", ".html"} and "migrations" not in path.parts
        for match in CHINESE_MSGID.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_rule_texts_follow_the_active_language(calendar: WorkCalendar) -> None:
    """R4.2: the rule text is Chinese under the default zh-hans and English under en, with the same numbers."""
    start = dt.datetime(2026, 3, 10, 10, tzinfo=clocks.SHANGHAI)
    deadline = clocks.reply_due(start, level="direct", calendar=calendar)
    with translation.override("zh-hans"):
        assert deadline.rule_text == "直接办理：受理后1个工作日内正式回复（受理当日不计）"
    with translation.override("en"):
        assert deadline.rule_text == (
            "Direct: formal reply within 1 working day(s) after receipt (the day of receipt not counted)"
        )
    with translation.override("zh-hans"):
        assert str(clocks.ReplyLevel.SCHOOL.label) == "需学校层面研究"
