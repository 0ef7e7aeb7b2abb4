"""`make bench`: how fast the public pages are at 10 and 10 000 articles.

Builds an archive in its own PostgreSQL database, serves it with gunicorn (2
workers) on 127.0.0.1 and measures each page with wrk for a few seconds:
the article page and the home page with their caches warm and with the
caches switched off, the article page as a signed-in reader gets it, a
search, and the article through Varnish (the deployment's VCL,
deploy/varnish/default.vcl, in a throwaway varnishd on port 6091 in front of
the same gunicorn). Last comes a purge storm: readers read the article
through Varnish with wrk while an editor publishes a notice on it once a
second with the purge backend on (bench/purge_storm.py); it reports the
hit rate (varnishstat's cache_hit and cache_miss), whether any first read
after a change still showed the old page, and the longest wait for the new
one. The yardstick is a bare Django project (bench/bare: default apps and
middleware, a one-line view) served by the same gunicorn settings beside it:
each page is compared with the bare view measured just before it, in a few
rounds (BENCH_ROUNDS), because this machine's speed drifts. Prints a table
and the targets of issues #20 and #25, and writes both to bench/results.md.
A short trial: BENCH_SECONDS=2 BENCH_ROUNDS=1 BENCH_SIZES=10. Traffic
goes to 127.0.0.1 only; every run is bounded in time.
"""

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, bench/ is on the import path and the project folder is not.
sys.path.insert(0, str(ROOT))

from bench.varnish import VARNISHD, Varnish  # noqa: E402

DB_NAME = "medreview_bench"
DB_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
PORT = 8089
BARE_PORT = 8090
VARNISH_PORT = 6091
SECONDS = int(os.environ.get("BENCH_SECONDS", "8"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CONNECTIONS = 8
SIZES = tuple(int(size) for size in os.environ.get("BENCH_SIZES", "10,10000").split(","))

BASE_ENV = {
    **os.environ,
    "DATABASE_URL": DB_URL,
    "DEBUG": "false",
    "SECRET_KEY": "bench-only-" + "x" * 50,
    # localhost: the Host of Varnish's health check (deploy/varnish/default.vcl).
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_COOKIES": "false",
    # As deployed (README, "Deploying"): collected, hashed static files that
    # WhiteNoise lists once from STATIC_ROOT (main() runs collectstatic).
    "STATIC_MANIFEST": "true",
    "WHITENOISE_USE_FINDERS": "false",
    "LOG_LEVEL": "WARNING",
    "GUNICORN_WORKERS": "2",
    "GUNICORN_BIND": f"127.0.0.1:{PORT}",
    "GUNICORN_ACCESSLOG": "",
    "DJANGO_SETTINGS_MODULE": "config.settings",
}
BIN = ROOT / ".venv" / "bin"
# The app purges the benchmark's Varnish after each change (reader/frontend_cache.py).
PURGING_ENV = {
    "FRONTEND_CACHE_BACKEND": "varnish",
    "VARNISH_URLS": f"http://127.0.0.1:{VARNISH_PORT}",
}
# The storm's editor works in another process than gunicorn's workers: the
# page cache's versions must be shared, as in a deployment, so Redis holds
# them (its own db number; .ci/run starts Redis, or run `redis-server`).
STORM_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
STORM_ENV = {**PURGING_ENV, "REDIS_URL": STORM_REDIS_URL}


def manage(*args, env=None):
    subprocess.run([BIN / "python", "manage.py", *args], cwd=ROOT, env=env or BASE_ENV, check=True)


def reset_database():
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as db:
        db.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        db.execute(f"CREATE DATABASE {DB_NAME}")
    manage("migrate", "--noinput", "-v0")


def fill(total: int) -> str:
    """Add published articles until there are `total`; returns a slug in the middle."""
    import psycopg

    code = f"import bench.archive as a; print(a.fill({total}))"
    out = subprocess.run(
        [BIN / "python", "-c", "import django; django.setup(); " + code],
        cwd=ROOT, env=BASE_ENV, check=True, capture_output=True, text=True,
    )  # fmt: skip
    # Settle the database as a live one would be (statistics, visibility and
    # hint bits set, dirty pages written), so autovacuum or a checkpoint does
    # not land in the middle of a measurement.
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{DB_NAME}", autocommit=True) as db:
        db.execute("VACUUM (ANALYZE)")
        db.execute("CHECKPOINT")
    return out.stdout.strip().splitlines()[-1]


def reader_session() -> str:
    """A signed-in reader's session cookie (an account with no role)."""
    code = (
        "from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY;"
        "from django.contrib.sessions.backends.db import SessionStore;"
        "from accounts.models import User;"
        "u, _ = User.objects.get_or_create(username='bench-reader',"
        " defaults={'email': 'bench-reader@example.org'});"
        "s = SessionStore();"
        "s[SESSION_KEY] = str(u.pk);"
        "s[BACKEND_SESSION_KEY] = 'accounts.authentication.UsernameOrEmailBackend';"
        "s[HASH_SESSION_KEY] = u.get_session_auth_hash();"
        "s.create(); print(s.session_key)"
    )
    out = subprocess.run(
        [BIN / "python", "-c", "import django; django.setup(); " + code],
        cwd=ROOT, env=BASE_ENV, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return "sessionid=" + out.stdout.strip().splitlines()[-1]


class Server:
    def __init__(self, app="config.wsgi", port=PORT, ready="/healthz", **extra_env):
        self.app, self.port, self.ready = app, port, ready
        self.env = {**BASE_ENV, "GUNICORN_BIND": f"127.0.0.1:{port}", **extra_env}

    def __enter__(self):
        self.process = subprocess.Popen(
            [BIN / "gunicorn", self.app, "-c", "gunicorn.conf.py"],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}{self.ready}", timeout=1)
                return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def bare_server():
    return Server(
        app="bench.bare.wsgi",
        port=BARE_PORT,
        ready="/",
        DJANGO_SETTINGS_MODULE="bench.bare.settings",
    )


def measure(path: str, port: int = PORT, cookie: str = "") -> dict:
    url = f"http://127.0.0.1:{port}{path}"
    headers = {"Cookie": cookie} if cookie else {}
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:  # warm what can be warmed
        if response.status != 200 or response.url != url:
            raise RuntimeError(f"{path} answered {response.status} at {response.url}")
        response.read()
    extra = ["-H", f"Cookie: {cookie}"] if cookie else []
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", *extra, url],
        check=True, capture_output=True, text=True, timeout=SECONDS + 30,
    ).stdout  # fmt: skip
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": p50, "p99": p99, "errors": int(errors.group(1)) if errors else 0}


def against_bare(paths: dict[str, str], cookie: str = "", port: int = PORT) -> dict[str, dict]:
    """Each page's figures and its throughput over the bare Django view's.
    This machine's speed drifts by a quarter over minutes, so the bare view
    is measured again before each page, ROUNDS times over, and the round
    with the median ratio is the one reported."""
    rounds = {page: [] for page in paths}
    for _ in range(ROUNDS):
        for page, path in paths.items():
            bare = measure("/", port=BARE_PORT)
            figures = measure(path, port=port, cookie=cookie)
            rounds[page].append({**figures, "ratio": figures["rps"] / bare["rps"]})
    return {
        page: sorted(found, key=lambda f: f["ratio"])[len(found) // 2]
        for page, found in rounds.items()
    }


def through_varnish(varnish, article: str) -> dict[str, dict]:
    """The article as readers get it from Varnish, and the share of hits."""
    before = varnish.counters()
    results = against_bare({"article through Varnish": article}, port=VARNISH_PORT)
    after = varnish.counters()
    hits = after["cache_hit"] - before["cache_hit"]
    misses = after["cache_miss"] - before["cache_miss"]
    results["article through Varnish"]["hit_rate"] = hits / max(1, hits + misses)
    return results


def purge_storm(varnish, slug: str, article: str) -> dict:
    """Readers through Varnish (wrk) while an editor changes the article once a second."""
    seconds = max(SECONDS, 5)
    before = varnish.counters()
    readers = subprocess.Popen(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency",
         f"http://127.0.0.1:{VARNISH_PORT}{article}"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    code = (
        "import json; from bench.purge_storm import run;"
        f"print(json.dumps(run({slug!r}, {seconds - 1}, 'http://127.0.0.1:{VARNISH_PORT}{article}')))"
    )
    editor = subprocess.run(
        [BIN / "python", "-c", "import django; django.setup(); " + code],
        cwd=ROOT, env={**BASE_ENV, **STORM_ENV, "TASKS_BACKEND": "immediate"},
        check=True, capture_output=True, text=True, timeout=seconds + 60,
    )  # fmt: skip
    out, _ = readers.communicate(timeout=seconds + 30)
    after = varnish.counters()
    hits = after["cache_hit"] - before["cache_hit"]
    misses = after["cache_miss"] - before["cache_miss"]
    return {
        **json.loads(editor.stdout.strip().splitlines()[-1]),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p99": _ms(re.search(r"\s99%\s+(\S+)", out).group(1)),
        "hit_rate": hits / max(1, hits + misses),
    }


def main():
    if subprocess.run(["which", "wrk"], capture_output=True).returncode:
        sys.exit("wrk is not installed: apt-get install -y wrk")
    if not VARNISHD:
        sys.exit("varnishd is not installed: apt-get install -y varnish")
    manage("collectstatic", "--noinput", "-v0")
    reset_database()
    rows, storms = [], {}
    for size in SIZES:
        slug = fill(size)
        cookie = reader_session()
        article = f"/articles/{slug}/"
        with bare_server():
            redis.Redis.from_url(STORM_REDIS_URL).flushdb()
            with (
                Server(**STORM_ENV),
                Varnish(backend_port=PORT, port=VARNISH_PORT, memory="256m") as varnish,
            ):
                bare = measure("/", port=BARE_PORT)
                results = {"bare Django view": {**bare, "ratio": 1.0}}
                results.update(
                    against_bare(
                        {
                            "health view": "/healthz",
                            "article, caches warm": article,
                            "home page": "/",
                        }
                    )
                )
                # Signed-in readers get no whole-page cache; the article's
                # rendered text is cached per revision and level.
                results.update(against_bare({"article, signed-in reader": article}, cookie=cookie))
                # A typical reader query: one drug and one symptom. Its p99 is
                # the target, and one run's tail is a few requests: the median
                # of ROUNDS runs is reported.
                searches = sorted(
                    (measure("/search/?q=vincristine+neuropathy") for _ in range(ROUNDS)),
                    key=lambda figures: figures["p99"],
                )
                search = searches[len(searches) // 2]
                results["search"] = {**search, "ratio": search["rps"] / bare["rps"]}
                results.update(through_varnish(varnish, article))
            # Where the time goes without the page cache: the rest of the page
            # around the cached article text, then everything rendered each time.
            with Server(PAGE_CACHE="false"):
                results.update(against_bare({"article, text cache only": article}))
            with Server(RENDER_CACHE="false", PAGE_CACHE="false"):
                results.update(
                    against_bare({"article, caches off": article, "home page, caches off": "/"})
                )
            # Last, as it adds notices to the article.
            redis.Redis.from_url(STORM_REDIS_URL).flushdb()
            with (
                Server(**STORM_ENV),
                Varnish(backend_port=PORT, port=VARNISH_PORT, memory="256m") as varnish,
            ):
                storms[size] = purge_storm(varnish, slug, article)
        for page, figures in results.items():
            rows.append((size, page, figures, figures.pop("ratio")))
    table = ["| articles | page | requests/s | p50 ms | p99 ms | x bare | errors |",
             "|---:|---|---:|---:|---:|---:|---:|"]  # fmt: skip
    for size, page, f, ratio in rows:
        if "hit_rate" in f:
            page = f"{page} ({f['hit_rate']:.1%} hits)"
        table.append(
            f"| {size} | {page} | {f['rps']:.0f} | {f['p50']:.1f} | {f['p99']:.1f} "
            f"| {ratio:.2f} | {f['errors']} |"
        )
    storm_table = [
        "| articles | reader requests/s | reader p99 ms | hit rate | changes "
        "| stale first reads | not shown in 5 s | longest wait ms |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size, s in storms.items():
        storm_table.append(
            f"| {size} | {s['rps']:.0f} | {s['p99']:.1f} | {s['hit_rate']:.1%} | {s['changes']} "
            f"| {s['stale_first_reads']} | {s['never_shown']} | {s['max_delay_ms']:.0f} |"
        )
    by = {(size, page): (f, ratio) for size, page, f, ratio in rows}

    def scale(page):
        # Compared in bare-view units, so the machine's drift between the
        # two archives' runs cancels out.
        return by[(10_000, page)][1] / by[(10, page)][1]

    big = max(SIZES)
    at = f"at {big:,}".replace(",", " ")
    targets = [
        (f"article through Varnish ≥ 10x bare {at}", by[(big, "article through Varnish")][1], 10),
        (
            f"article, caches warm (origin) ≥ 0.5x bare {at}",
            by[(big, "article, caches warm")][1],
            0.5,
        ),
        (f"health view ≥ 0.85x bare {at}", by[(big, "health view")][1], 0.85),
        (f"article, caches off ≥ 0.05x bare {at}", by[(big, "article, caches off")][1], 0.05),
        (f"home, caches off ≥ 0.05x bare {at}", by[(big, "home page, caches off")][1], 0.05),
    ]
    if len(SIZES) > 1:
        targets += [
            ("warm article at 10 000 ≥ 0.8x at 10", scale("article, caches warm"), 0.8),
            ("article, caches off at 10 000 ≥ 0.8x at 10", scale("article, caches off"), 0.8),
            ("home at 10 000 ≥ 0.8x at 10", scale("home page"), 0.8),
            ("home, caches off at 10 000 ≥ 0.8x at 10", scale("home page, caches off"), 0.8),
        ]
    lines = ["| target | result | met? |", "|---|---:|---|"]
    for label, value, floor in targets:
        lines.append(f"| {label} | {value:.2f}x | {'yes' if value >= floor else 'no'} |")
    p99 = by[(big, "search")][0]["p99"]
    lines.append(f"| search p99 < 100 ms {at} | {p99:.0f} ms | {'yes' if p99 < 100 else 'no'} |")
    storm = storms[big]
    fresh = storm["stale_first_reads"] == 0 and storm["never_shown"] == 0
    lines.append(
        f"| purge storm {at}: every change shown on the first read after it "
        f"| {storm['changes'] - storm['stale_first_reads']}/{storm['changes']} "
        f"| {'yes' if fresh else 'no'} |"
    )
    text = "\n".join(
        [
            "# Benchmark results",
            "",
            f"gunicorn, 2 sync workers, PostgreSQL, wrk {CONNECTIONS} connections for "
            f"{SECONDS} s per page, on this machine ({os.cpu_count()} cores). "
            "“x bare” is the page's requests/s over a bare Django project's one-line view "
            "(bench/bare: default apps and middleware, same gunicorn settings), measured "
            f"just before it; of {ROUNDS} such rounds, the one with the median ratio is "
            f"shown (for search, the median p99 of {ROUNDS} runs). “Through Varnish” rows "
            "go to varnishd (deploy/varnish/default.vcl, 256 MB) in front of the same "
            "gunicorn; the share of hits is varnishstat's over that row's requests.",
            "",
            *table,
            "",
            "Purge storm: wrk reads the article through Varnish while an editor publishes "
            "an update notice on it once a second (the purge runs right after each commit) "
            "and reads the page through Varnish until the notice shows. “Stale first reads” "
            "counts changes whose first read still showed the old page.",
            "",
            *storm_table,
            "",
            "Targets (issues #20 and #25). The sizes are compared in x-bare units, so the "
            "machine's drift between the two runs cancels out. The warm article and "
            "home rows are compared with the previous run's by hand, in the issue's note:",
            "",
            *lines,
            "",
        ]
    )
    print(text)
    (ROOT / "bench" / "results.md").write_text(text)


if __name__ == "__main__":
    main()
