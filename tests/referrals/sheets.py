"""Referral sheets built in memory for the tests."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook

HEADERS = ("工单编号", "受理时间", "诉求人", "联系电话", "诉求内容", "办理时限")


def row(
    reference: str = "BJ12345-0001",
    received: object = "2026-12-01 09:30",
    name: str = "张三",
    phone: object = "13800138000",
    content: str = "学生公寓3号楼302室暖气不热，请尽快派人检修。",
    due: object = "2026-12-04 17:00",
) -> list[object]:
    return [reference, received, name, phone, content, due]


def xlsx(rows: Sequence[Sequence[object]], headers: Sequence[str] = HEADERS, title: str = "") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
    sheet.append(list(headers))
    for values in rows:
        sheet.append(list(values))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def numbered(count: int, prefix: str = "BJ12345-") -> list[list[object]]:
    return [
        row(reference=f"{prefix}{i:04d}", content=f"第{i}号诉求：食堂饭菜价格偏高，希望学校核查。")
        for i in range(count)
    ]
