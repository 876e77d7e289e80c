"""The worker's tasks. ``jiesu worker`` runs them; the web process only enqueues ``deliver`` after commits.

- ``sweep`` every minute (R4.8): breaches, due-soon clocks, the daily digest; then the outbox.
- ``deliver``: send what the outbox holds (retries with back-off live in ``notify.delivery``).
- ``hot_topics_hourly`` at minute 17 of every hour: the hot topics, the Office alerted of new ones (R9.1).
- ``sync_directory_nightly`` at 03:10 when LDAP is configured: units and people from the campus directory.
- ``high_frequency_nightly`` at 01:40: the current semester's high-frequency issues (R9.2).
- ``train_dispatch_nightly`` at 02:30 and ``train_dispatch`` on demand: a new dispatch model version (R9.5).
- ``seasonal_nightly`` at 02:50 and ``seasonal_compute`` on demand: the seasonal expectations and the notices
  of peaks 4 weeks ahead (R9.4).

Both are safe to run on several workers at once: the sweep takes its rows with SKIP LOCKED (PostgreSQL) or
under SQLite's single write lock, and delivery claims each outbox row with a conditional update.
"""

from __future__ import annotations

import logging

from django.db import close_old_connections
from huey import crontab

from jiesu.directory.conf import ldap_config
from jiesu.directory.models import SyncRun
from jiesu.directory.sync import DirectoryUnavailable, directory_sync
from jiesu.insight import frequency
from jiesu.insight.contingency import seasonal_refresh
from jiesu.insight.models import DispatchModel, SeasonalModel
from jiesu.insight.services import dispatch_model_train, hot_topics_record
from jiesu.notify.delivery import deliver_due
from jiesu.org.models import User
from jiesu.referrals.services import referral_import_run
from jiesu.worker.queue import huey
from jiesu.worker.sweep import run_sweep

log = logging.getLogger(__name__)


@huey.pre_execute()
def _fresh_connection(task: object) -> None:
    close_old_connections()  # a long-lived worker thread must not reuse a broken or stale connection


@huey.post_execute()
def _release_connection(task: object, task_value: object, exc: object) -> None:
    close_old_connections()


def deliver_all(limit: int = 50) -> int:
    """Deliver until the outbox has nothing due (each call claims at most ``limit`` rows)."""
    sent = 0
    while True:
        handled = deliver_due(limit=limit)
        sent += handled
        if handled < limit:
            return sent


@huey.periodic_task(crontab(minute="*"), retries=0)
def sweep() -> None:
    run_sweep()
    deliver_all()


@huey.task(retries=2, retry_delay=10)
def deliver() -> None:
    deliver_all()


@huey.periodic_task(crontab(minute="30", hour="2"), retries=1, retry_delay=600)
def train_dispatch_nightly() -> None:
    """R9.5: a new version of the dispatch suggestion every night, from the day's closed tickets too."""
    dispatch_model_train(trigger=DispatchModel.Trigger.NIGHTLY)


@huey.task(retries=0)
def train_dispatch(actor_id: int | None = None) -> None:
    """R9.5: the Office's "retrain now" (the insight page enqueues it through ``enqueue_training``)."""
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    dispatch_model_train(trigger=DispatchModel.Trigger.ON_DEMAND, actor=actor)


@huey.periodic_task(crontab(minute="50", hour="2"), retries=1, retry_delay=600)
def seasonal_nightly() -> None:
    """R9.4: the seasonal expectations learned again every night; units told of peaks now 4 weeks ahead."""
    seasonal_refresh(trigger=SeasonalModel.Trigger.NIGHTLY)


@huey.task(retries=0)
def seasonal_compute(actor_id: int | None = None) -> None:
    """R9.4: the Office's "recompute now" on the seasonal page (enqueued through ``enqueue_seasonal``)."""
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    seasonal_refresh(trigger=SeasonalModel.Trigger.ON_DEMAND, actor=actor)


@huey.periodic_task(crontab(minute="17"), retries=1, retry_delay=300)
def hot_topics_hourly() -> None:
    """R9.1: cluster the week's requests every hour (kept out of the minute sweep: it takes seconds)."""
    hot_topics_record()


@huey.periodic_task(crontab(minute="40", hour="1"), retries=1, retry_delay=900)
def high_frequency_nightly() -> None:
    """R9.2: the current semester's high-frequency issues (and the following-semester counts of the previous
    semester's topics with a root-cause measure)."""
    frequency.frequent_topics_record(semester=frequency.current())


@huey.periodic_task(crontab(minute="10", hour="3"), retries=1, retry_delay=900)
def sync_directory_nightly() -> None:
    """Issue 18: units and people kept in line with the campus directory (``jiesu sync-directory``)."""
    if not ldap_config().enabled:
        return
    try:
        report = directory_sync(trigger=SyncRun.Trigger.NIGHTLY)
    except DirectoryUnavailable:
        log.exception("directory sync: the directory could not be read")
        raise  # huey retries once
    if report.errors:
        log.warning("directory sync: %d errors (see the run's report)", len(report.errors))


@huey.task(retries=0)
def import_referrals(batch_id: int) -> None:
    """R2.6 / issue 15 item 5: record a confirmed referral sheet in chunks (a crash leaves it resumable)."""
    referral_import_run(batch_id=batch_id)
