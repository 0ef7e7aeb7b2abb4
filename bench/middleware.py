"""`python -m bench.middleware`: what our middleware costs a request that
needs none of it (issue #25, "a lean origin").

With a shared cache in front, the origin mostly answers misses and health
checks, so the fixed cost every request pays matters. Two measurements:

- `python -m bench.middleware` serves the app (port 8091) and the bare
  Django project (bench/bare, port 8092) with the same gunicorn settings (2
  workers, DEBUG off) and measures /healthz against the bare one-line view
  with wrk, alternating, BENCH_ROUNDS times; the median ratio is reported.
  With `--article` it also builds a small archive in its own PostgreSQL
  database (medreview_lean) and measures an anonymous article page.
- `python -m bench.middleware profile [path]` runs the request in process
  through Django's WSGI handler, once with the whole MIDDLEWARE list and
  once without each middleware in turn: the difference is what that one
  costs (microseconds a request, best of three runs).

Both use the settings a deployment uses (README, "Deploying"): the static
files collected with their manifest, WhiteNoise serving from that folder
rather than searching the apps (WHITENOISE_USE_FINDERS, which `make bench`
and the tests turn on, only sets up WhiteNoise's file list at start-up, and
is left off here as in production).
"""

import io
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = 8091
BARE_PORT = 8092
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
DB_NAME = "medreview_lean"
PRODUCTION_LIKE = {
    "DEBUG": "false",
    "SECRET_KEY": "bench-only-" + "x" * 50,
    "ALLOWED_HOSTS": "127.0.0.1",
    # Plain http on 127.0.0.1; HSTS and the other headers are still sent.
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_COOKIES": "false",
    "STATIC_MANIFEST": "true",
    "WHITENOISE_USE_FINDERS": "false",
    "LOG_LEVEL": "WARNING",
    "DJANGO_SETTINGS_MODULE": "config.settings",
}
# The health view touches no database: a throwaway SQLite file will do,
# unless the article page is measured too.
HEALTH_ONLY_DB = "sqlite:////tmp/medreview_lean_health.sqlite3"


def wrk_against_bare(run, paths: dict[str, str]) -> dict[str, dict]:
    rounds = {page: [] for page in paths}
    for _ in range(ROUNDS):
        for page, path in paths.items():
            bare = run.measure("/", port=BARE_PORT)
            figures = run.measure(path, port=PORT)
            rounds[page].append(
                {**figures, "bare": bare["rps"], "ratio": figures["rps"] / bare["rps"]}
            )
    return {
        page: sorted(found, key=lambda f: f["ratio"])[len(found) // 2]
        for page, found in rounds.items()
    }


def serve_and_measure(with_article: bool) -> None:
    os.environ.update(PRODUCTION_LIKE)
    database_url = (
        f"postgres://postgres@127.0.0.1:5432/{DB_NAME}" if with_article else HEALTH_ONLY_DB
    )
    os.environ["DATABASE_URL"] = database_url
    # bench.run reads its environment when imported: import it once ours is set.
    import bench.run as run

    run.BASE_ENV.update(PRODUCTION_LIKE, DATABASE_URL=database_url)
    run.SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
    run.manage("collectstatic", "--noinput", "-v0")
    paths = {"health view": "/healthz"}
    if with_article:
        run.DB_NAME = DB_NAME
        run.reset_database()
        slug = run.fill(10)
        paths["article, anonymous, page cache warm"] = f"/articles/{slug}/"
        paths["home page, anonymous"] = "/"
    bare = run.Server(
        app="bench.bare.wsgi",
        port=BARE_PORT,
        ready="/",
        DJANGO_SETTINGS_MODULE="bench.bare.settings",
    )
    with bare, run.Server(port=PORT):
        results = wrk_against_bare(run, paths)
    wrk = f"wrk -t2 -c{run.CONNECTIONS} -d{run.SECONDS}s"
    print(f"gunicorn 2 workers, {wrk}, median of {ROUNDS} rounds")
    print("| page | requests/s | bare requests/s | x bare | p99 ms |")
    print("|---|---:|---:|---:|---:|")
    for page, f in results.items():
        print(f"| {page} | {f['rps']:.0f} | {f['bare']:.0f} | {f['ratio']:.2f} | {f['p99']:.1f} |")


def profile(path: str) -> None:
    # Pages other than the health check need the archive `--article` built.
    os.environ.update(
        PRODUCTION_LIKE, DATABASE_URL=os.environ.get("BENCH_DATABASE_URL", HEALTH_ONLY_DB)
    )
    import django

    django.setup()
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import override_settings

    def environ():
        return {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": str(PORT),
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": f"127.0.0.1:{PORT}",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
        }

    def handler(middleware):
        with override_settings(MIDDLEWARE=middleware):
            return WSGIHandler()

    def microseconds(handler, requests=1000):
        start = time.process_time()
        for _ in range(requests):
            b"".join(handler(environ(), lambda status, headers: None))
        return (time.process_time() - start) / requests * 1e6

    def cost(without):
        # The machine is shared and its speed drifts: the two stacks take
        # turns, each timed in this process's CPU time, and the fastest of
        # several turns each is compared.
        stacks = [handler(full), handler(without)]
        best = [float("inf"), float("inf")]
        for _ in range(7):
            for i, stack in enumerate(stacks):
                best[i] = min(best[i], microseconds(stack))
        return best[0], best[0] - best[1]

    full = list(settings.MIDDLEWARE)
    whole, middleware = cost([])
    print(f"{path}: {whole:.0f} µs a request, {middleware:.0f} µs of it in the middleware")
    # Authentication and messages need the session middleware before them.
    session = "django.contrib.sessions.middleware.SessionMiddleware"
    on_session = {
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
    }
    for name in full:
        gone = {name} | (on_session if name == session else set())
        label = name + (" (with authentication and messages)" if name == session else "")
        print(f"{cost([m for m in full if m not in gone])[1]:6.1f} µs  {label}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    if sys.argv[1:2] == ["profile"]:
        profile(sys.argv[2] if len(sys.argv) > 2 else "/healthz")
    else:
        subprocess.run(["which", "wrk"], check=True, capture_output=True)
        serve_and_measure(with_article="--article" in sys.argv)
