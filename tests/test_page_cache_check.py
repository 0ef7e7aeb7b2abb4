"""The deploy check that keeps the page cache off a per-process cache."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/0",
    }
}


def _deploy_check():
    call_command("check", deploy=True, tags=["caches"])


def test_production_refuses_the_page_cache_on_per_process_memory(settings):
    settings.DEBUG = False
    settings.PAGE_CACHE = True
    settings.CACHES = LOCMEM
    with pytest.raises(SystemCheckError, match=r"(?s)reader.E001.*REDIS_URL"):
        _deploy_check()


@pytest.mark.parametrize(
    "debug, page_cache, caches",
    [(False, True, REDIS), (False, False, LOCMEM), (True, True, LOCMEM)],
    ids=["redis", "page-cache-off", "debug"],
)
def test_a_shared_cache_or_no_page_cache_passes(settings, debug, page_cache, caches):
    settings.DEBUG = debug
    settings.PAGE_CACHE = page_cache
    settings.CACHES = caches
    _deploy_check()
