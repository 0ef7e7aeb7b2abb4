"""The editor's side of the benchmark's purge storm (bench/run.py): once a
second, an editor publishes an update notice on the article readers are
hammering through Varnish, and then reads the page through Varnish until the
notice shows. Run in its own process with Django set up and the purge backend
on (FRONTEND_CACHE_BACKEND=varnish, VARNISH_URLS); tasks run at once
(TASKS_BACKEND=immediate), so the purge has been sent when the service
returns. `run` returns: how many changes, how many first reads after a
change still showed the old page, and the longest wait for the new one."""

import time
import urllib.request

from django.contrib.auth.models import Group

from accounts.models import Role, User
from articles.models import Article
from articles.services import article_notice_issue

GIVE_UP_SECONDS = 5


def _read(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


def run(slug: str, seconds: int, page_url: str) -> dict:
    editor, _ = User.objects.get_or_create(
        username="bench-editor", defaults={"display_name": "Bench Editor"}
    )
    editor.groups.add(Group.objects.get(name=Role.EDITOR))
    article = Article.objects.get(slug=slug)
    delays, stale_first_reads, never_shown = [], 0, 0
    run_mark = f"{time.time():.0f}"
    for n in range(seconds):
        started = time.monotonic()
        marker = f"Benchmark change {run_mark}-{n}."
        article_notice_issue(article=article, editor=editor, kind="update", reason=marker)
        changed = time.monotonic()
        first = True
        while marker not in _read(page_url):
            if first:
                stale_first_reads += 1
                first = False
            if time.monotonic() - changed > GIVE_UP_SECONDS:
                never_shown += 1
                break
            time.sleep(0.005)
        else:
            delays.append(time.monotonic() - changed)
        time.sleep(max(0.0, 1 - (time.monotonic() - started)))
    return {
        "changes": seconds,
        "stale_first_reads": stale_first_reads,
        "never_shown": never_shown,
        "max_delay_ms": max(delays, default=0) * 1000,
    }
