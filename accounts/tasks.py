"""Periodic account work (core/periodic.py explains `@periodic`)."""

from datetime import timedelta

from django_tasks import task

from core.periodic import periodic

from .digest import send_daily_digests as digest_all


@periodic(every=timedelta(hours=1))
@task()
def send_daily_digests() -> int:
    """Queue the day's digest for each person on "daily" who has something
    new and had none today (hourly, so nobody waits long past midnight);
    returns how many were queued."""
    return digest_all()
