"""Benchmark (issue 15 item 5): a 50,000-row referral sheet imported with progress, goal ≤ 60 s.

    .venv/bin/python benchmarks/bench_referral_import.py [--rows 50000] [--database-url URL] [--profile]

A realistic 12345 sheet is generated (a title row, the hotline system's headers, references such as
``BJ12345-20261130-000123``, receipt times spread over the past week, real-looking names, mobile numbers and
the matters students and staff call about, a deadline three days on for most rows, some rows without one), then:

* preview: ``referral_import_upload`` — the sheet read and every row judged (intake's own checks included);
* import: ``referral_import_run`` — the rows recorded through ``ticket_create_many`` in committed chunks of
  ``CHUNK`` rows, the progress printed as the page shows it;
* again: the same sheet uploaded a second time — every row found already imported, nothing recorded.

The database is a fresh SQLite file in a temporary directory (the embedded default), unless ``--database-url``
names another (it must be disposable: the benchmark migrates it and writes tickets). ``--profile`` prints the
import's top functions by cumulative time (cProfile).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import os
import pstats
import random
import secrets
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import django_setup, table  # noqa: E402

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "磊",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
    "明",
    "超",
    "秀英",
    "子涵",
    "浩然",
    "欣怡",
]
MATTERS = [
    "学校东门外施工噪音夜间持续到十二点以后，影响周边居民休息，请学校协调施工单位。",
    "学生公寓{n}号楼热水供应时断时续，晚上洗澡经常没有热水，请尽快维修。",
    "反映学校食堂饭菜价格上涨较快，部分窗口分量不足，希望学校加强监管。",
    "家长反映孩子在校期间奖学金评定结果未公示，希望学校说明评定办法。",
    "校外人员反映学校西侧道路车辆乱停放，早晚高峰拥堵严重，请学校加强管理。",
    "退休教师反映医疗费报销材料提交后两个月仍未到账，请相关部门尽快处理。",
    "反映学校附属幼儿园招生信息发布不及时，询问报名时间和所需材料。",
    "学生反映图书馆{n}楼自习室空调不制冷，室内温度过高，请尽快检修。",
    "反映学校实验楼垃圾清运不及时，气味较大，影响附近居民生活。",
    "毕业生咨询档案转递进度，称用人单位至今未收到档案，请学校核实。",
]


def generate(rows: int, *, seed: int = 2026, now: dt.datetime) -> bytes:
    """A realistic 12345 referral sheet of ``rows`` rows (write-only workbook: fast and small)."""
    from openpyxl import Workbook

    rng = random.Random(seed)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("转办工单")
    sheet.append(["北京市12345市民服务热线转办工单（高校）"])
    sheet.append(["序号", "工单编号", "来电时间", "来电人", "联系电话", "诉求内容", "办理时限", "备注"])
    for i in range(rows):
        received = now - dt.timedelta(minutes=rng.randint(60, 7 * 24 * 60))
        due = received + dt.timedelta(days=3) if rng.random() < 0.85 else None  # noqa: S311 - test data
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        phone = f"1{rng.choice('3578')}{rng.randint(0, 999_999_999):09d}"
        content = rng.choice(MATTERS).format(n=rng.randint(1, 12))
        sheet.append(
            [
                i + 1,
                f"BJ12345-{received:%Y%m%d}-{i:06d}",
                received.replace(tzinfo=None, second=0, microsecond=0),
                name,
                phone,
                content,
                due.replace(tzinfo=None, second=0, microsecond=0) if due else None,
                "",
            ]
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="jiesu-bench-referrals-"))
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("JIESU_QUEUE_URL", "memory://")
    os.environ["DEBUG"] = "0"  # as in production: DEBUG's query log would quote every bulk insert's values
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    django_setup()

    from django.core.management import call_command
    from django.db import connection

    from jiesu.demo.accounts import load_demo_org
    from jiesu.org.models import Campus, User
    from jiesu.referrals import services
    from jiesu.workcalendar.clocks import SHANGHAI

    call_command("migrate", verbosity=0, interactive=False)
    load_demo_org()
    actor = User.objects.get(username="dispatcher")
    now = dt.datetime.now(tz=SHANGHAI)
    started = time.perf_counter()
    data = generate(args.rows, now=now)
    generated = time.perf_counter() - started
    print(f"sheet: {args.rows:,} rows, {len(data) / 1e6:.1f} MB, generated in {generated:.1f} s")
    print("load average (1 / 5 / 15 min) at the start: " + " / ".join(f"{x:.1f}" for x in os.getloadavg()))

    def upload() -> object:
        return services.referral_import_upload(
            actor=actor,
            filename="bench.xlsx",
            data=data,
            source_name="12345",
            campus=Campus.objects.first(),
            type="help",
        )

    started, cpu = time.perf_counter(), time.process_time()
    batch = upload()
    preview, preview_cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"preview: {batch.valid_rows:,} valid of {batch.total_rows:,} in {preview:.1f} s")
    services.referral_import_confirm(actor=actor, batch=batch, queue=False)

    def progress(b: object) -> None:
        print(
            f"  {b.processed_rows:,}/{b.total_rows:,} ({b.percent}%) {time.perf_counter() - started:.1f} s",
            end="\r",
            flush=True,
        )

    profiler = cProfile.Profile() if args.profile else None
    started, cpu = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    done = services.referral_import_run(batch_id=batch.pk, progress=progress)
    if profiler:
        profiler.disable()
    run, run_cpu = time.perf_counter() - started, time.process_time() - cpu
    print()
    started = time.perf_counter()
    again = upload()
    second = time.perf_counter() - started
    print(
        table(
            ["step", "rows", "wall s", "this process's CPU s", "rows/s (wall)", "outcome"],
            [
                [
                    "preview (read + judge)",
                    batch.total_rows,
                    f"{preview:.1f}",
                    f"{preview_cpu:.1f}",
                    f"{batch.total_rows / preview:,.0f}",
                    f"{batch.valid_rows:,} valid",
                ],
                [
                    f"import (chunks of {services.CHUNK})",
                    done.total_rows,
                    f"{run:.1f}",
                    f"{run_cpu:.1f}",
                    f"{done.created_count / run:,.0f}",
                    f"{done.created_count:,} created, {done.failed_count} failed",
                ],
                [
                    "preview + import",
                    batch.total_rows,
                    f"{preview + run:.1f}",
                    f"{preview_cpu + run_cpu:.1f}",
                    "",
                    "goal ≤ 60 s",
                ],
                [
                    "same sheet again (preview)",
                    again.total_rows,
                    f"{second:.1f}",
                    "",
                    "",
                    f"{again.duplicate_count:,} duplicates, {again.valid_rows} to import",
                ],
            ],
        )
    )
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"database: {connection.vendor}; load average (1 / 5 / 15 min) at the end: {load}")
    print(
        f"CPU per row: preview {preview_cpu / batch.total_rows * 1000:.2f} ms, import {run_cpu / done.total_rows * 1000:.2f} ms"
    )
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    main()
