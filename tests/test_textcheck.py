"""The one control-character check (issue 17 item 3): the regular expression ``control_character`` uses
finds exactly the characters Unicode puts in categories Cc, Zl and Zp."""

from __future__ import annotations

import sys
import unicodedata

from jiesu.textcheck import MULTILINE_ALLOWED, control_character


def test_control_character_finds_exactly_unicodes_control_and_separator_characters() -> None:
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        forbidden = unicodedata.category(char) in ("Cc", "Zl", "Zp")
        assert (control_character(f"a{char}b", multiline=False) == char) is forbidden, hex(code)
        expected = char if forbidden and char not in MULTILINE_ALLOWED else None
        assert control_character(f"甲{char}乙", multiline=True) == expected, hex(code)


def test_control_character_names_the_first_one_and_passes_clean_text() -> None:
    assert control_character("学生公寓3号楼\n热水\t不热") is None
    assert control_character("第一行\n第二行", multiline=False) == "\n"
    assert control_character("a\x00b\x07") == "\x00"
    assert control_character("") is None
