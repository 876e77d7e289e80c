"""The board's personal-data checker (R2.2): every kind it names is found and masked; ordinary text is left."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiesu import privacy


@pytest.mark.parametrize(
    ("text", "kind", "datum"),
    [
        ("请回电13812345678谢谢", "phone", "13812345678"),
        ("电话 138-1234-5678", "phone", "138-1234-5678"),
        ("办公室座机010-62281234", "phone", "010-62281234"),
        ("邮箱 zhang.xm@bupt.edu.cn 联系", "email", "zhang.xm@bupt.edu.cn"),
        ("身份证110101199001011234", "id_card", "110101199001011234"),
        ("我的学号：2021123456", "student_id", "2021123456"),
        ("工号 T0451", "student_id", "T0451"),
        ("卡号是88886666", "number", "88886666"),
        ("我叫张小明，住在3号楼", "name", "张小明"),
        ("联系人：王老师", "name", "王老师"),
    ],
)
def test_each_kind_is_found_and_masked(text: str, kind: str, datum: str) -> None:
    """Each kind of personal datum is reported with its span and replaced by the mask; context words stay."""
    found = privacy.find(text)
    assert [(f.kind, f.text) for f in found] == [(kind, datum)]
    masked = privacy.mask(text)
    assert datum not in masked and privacy.MASK in masked
    assert privacy.find(masked) == []


def test_known_names_are_masked_wherever_they_appear() -> None:
    """Names passed in (the writer's, the organization's people) are masked, each occurrence."""
    text = "李小萌同学反映的问题，周敏已转给后勤。李小萌表示感谢。"
    assert privacy.mask(text, ["李小萌", "周敏"]) == "***同学反映的问题，***已转给后勤。***表示感谢。"


def test_ordinary_text_is_untouched() -> None:
    """Room numbers, years and short numbers are not personal data."""
    text = "学生公寓3号楼302室暖气不热，2025年12月起室温只有12度。"
    assert privacy.find(text) == []
    assert privacy.mask(text) == text


def test_segments_rebuild_the_text_and_mark_the_findings() -> None:
    segs = privacy.segments("电话13812345678，谢谢")
    assert "".join(s.text for s in segs) == "电话13812345678，谢谢"
    assert [s.kind for s in segs] == ["", "phone", ""]


@given(st.text(alphabet="0123456789 -@.abc学号我叫张三李四", max_size=60))
def test_masking_is_idempotent_and_leaves_nothing(text: str) -> None:
    """Whatever the text, the masked text holds no finding (what the board relies on)."""
    masked = privacy.mask(text, ["张三"])
    assert privacy.find(masked, ["张三"]) == []
