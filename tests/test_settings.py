"""Configuration comes from the environment, and a bad value stops start-up
with a message naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _start(**env) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL"}
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--fail-level", "ERROR"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DEBUG", "maybe"),
        ("DATABASE_URL", "mysql://localhost/db"),
        ("REDIS_URL", "http://localhost:6379"),
        ("EMAIL_URL", "carrier-pigeon://loft"),
        ("ALLOWED_HOSTS", " , "),
        ("TASKS_BACKEND", "celery"),
    ],
)
def test_bad_value_stops_start_up_naming_the_variable(variable, value):
    env = {"SECRET_KEY": "x" * 50, variable: value}
    result = _start(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr.splitlines()[-1]


def test_the_rq_task_backend_needs_redis():
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--fail-level", "ERROR"],
        cwd=ROOT, env={**env, "TASKS_BACKEND": "rq", "DEBUG": "true"},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode != 0
    assert "TASKS_BACKEND=rq needs REDIS_URL" in result.stderr.splitlines()[-1]


def test_the_rq_task_backend_passes_the_checks_with_redis():
    result = _start(SECRET_KEY="x" * 50, TASKS_BACKEND="rq", REDIS_URL="redis://127.0.0.1:6379/14")
    assert result.returncode == 0, result.stderr


def test_without_debug_a_secret_key_is_required():
    result = _start(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_nothing_set_means_local_sqlite_with_debug():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings';"
            "from django.conf import settings;"
            "print(settings.DEBUG, settings.DATABASES['default']['ENGINE'],"
            " settings.DATABASES['default']['NAME'])",
        ],
        cwd=ROOT,
        env={
            k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL"}
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    debug, engine, name = result.stdout.split()
    assert debug == "True"
    assert engine == "django.db.backends.sqlite3"
    assert name == str(ROOT / "db.sqlite3")
    assert "/db.sqlite3" in (ROOT / ".gitignore").read_text()


@pytest.mark.parametrize("render_cache", ["true", "false"])
def test_render_cache_switches_the_article_page_fragments_too(render_cache):
    """RENDER_CACHE=false measures the article page drawn in full: the parts
    its template keeps ({% cache ... using="fragments" %}) are drawn each time."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings';"
            "from django.core.cache import caches;"
            "print(type(caches['default']).__name__, type(caches['fragments']).__name__)",
        ],
        cwd=ROOT,
        env={**os.environ, "RENDER_CACHE": render_cache, "DEBUG": "true"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    default, fragments = result.stdout.split()
    assert fragments == (default if render_cache == "true" else "DummyCache")


def test_health_check_answers_without_the_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


@pytest.mark.django_db
def test_postgresql_sessions_plan_for_ssd_storage():
    # With the spinning-disk default (4.0) search scanned every article's
    # vector instead of using the GIN index once a common word was asked for.
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == "1.1"
