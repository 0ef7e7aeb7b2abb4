"""`make screenshots`: pictures of the product, taken from the demo.

Builds a throwaway SQLite database (migrate + load_demo), serves it with
`runserver` on a free port of 127.0.0.1, signs in through the login form as
each demo person and saves PNGs of the pages they use into docs/screenshots/
(or --out DIR). Pages are found by addresses built from the demo's own
records (the article in board review, the round with reviews in...), never by
clicking text, so the pictures follow the pages however their design changes.
Uses Debian's chromium; runs optipng on the pictures when it is installed.

    .venv/bin/python docs/screenshots.py [--out DIR] [--only NAME ...]
"""

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
LEVELS = ("patient", "student", "professional")


@dataclass(frozen=True)
class Shot:
    name: str  # file name without .png
    path: str  # address on the demo site
    who: str = ""  # demo username to sign in as; "" for a visitor
    viewport: dict = None  # DESKTOP when None
    full_page: bool = True


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def shots() -> list[Shot]:
    """The pages to picture, found from the demo's records (Django is set up)."""
    from accounts.models import User
    from articles.models import Article, ArticleState
    from articles.rules import may_sign_off
    from demo.content import BORTEZOMIB
    from reviews.models import ReviewAssignment

    reader = f"/articles/{BORTEZOMIB['slug']}/"
    found = []
    for level in LEVELS:
        found.append(Shot(f"reader-{level}-desktop", f"{reader}{level}/"))
        # A phone shows its first screen: what a reader sees before scrolling.
        found.append(Shot(f"reader-{level}-phone", f"{reader}{level}/", "", PHONE, False))

    # The author's workspace on an article that came back with changes asked for.
    revising = (
        Article.objects.filter(state=ArticleState.CHANGES_REQUESTED).order_by("pk").first()
        or Article.objects.order_by("pk").first()
    )
    found.append(
        Shot(
            "author-workspace",
            f"/desk/articles/{revising.pk}/",
            revising.authors.order_by("pk").first().username,
        )
    )
    found.append(Shot("editor-queue", "/office/queue/", "editor"))

    # The round with the most reviews in, on an article still under review.
    assignment = (
        ReviewAssignment.objects.filter(
            round__article__state=ArticleState.UNDER_REVIEW,
            round__decision="",
            status=ReviewAssignment.Status.SUBMITTED,
        )
        .select_related("round__article")
        .order_by("round__article__pk")
    )
    rounds = {}
    for item in assignment:
        rounds.setdefault(item.round, 0)
        rounds[item.round] += 1
    if rounds:
        review_round = max(rounds, key=lambda r: (rounds[r], -r.article.pk))
        found.append(
            Shot(
                "round-decision",
                f"/desk/articles/{review_round.article.pk}/rounds/{review_round.number}/",
                "editor",
            )
        )

    # The signing page, for a board member who has yet to sign.
    members = User.objects.filter(groups__name="Advisory Board").order_by("username")
    for article in Article.objects.filter(state=ArticleState.BOARD_REVIEW).order_by("pk"):
        member = next((m for m in members if may_sign_off(m, article)), None)
        if member is not None:
            found.append(
                Shot("board-signing", f"/desk/articles/{article.pk}/sign-off/", member.username)
            )
            break
    found.append(Shot("office-dashboard", "/office/", "editor"))
    return found


def sign_in(context, base_url: str, username: str, password: str) -> None:
    page = context.new_page()
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    if "/accounts/login/" in page.url:
        raise SystemExit(f"Could not sign in as {username}.")
    page.close()


def take(shots_wanted: list[Shot], base_url: str, out: Path, password: str) -> list[Path]:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    if not chromium:
        raise SystemExit("chromium is not installed (make chromium, or apt-get install chromium).")
    saved = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-gpu"]
        )
        contexts = {}
        for shot in shots_wanted:
            viewport = shot.viewport or DESKTOP
            key = (shot.who, viewport["width"])
            if key not in contexts:
                contexts[key] = browser.new_context(viewport=viewport)
                if shot.who:
                    sign_in(contexts[key], base_url, shot.who, password)
            page = contexts[key].new_page()
            response = page.goto(base_url + shot.path, wait_until="networkidle")
            if response is None or response.status >= 400:
                status = response.status if response else "no response"
                raise SystemExit(f"{shot.path} as {shot.who or 'a visitor'}: {status}")
            target = out / f"{shot.name}.png"
            page.screenshot(path=str(target), full_page=shot.full_page)
            page.close()
            saved.append(target)
            print(f"  {target.relative_to(ROOT)}  ({shot.who or 'visitor'}, {shot.path})")
        browser.close()
    return saved


def optimise(files: list[Path]) -> None:
    optipng = shutil.which("optipng")
    if optipng is None:
        print("optipng is not installed: the pictures are kept as chromium saved them.")
        return
    subprocess.run([optipng, "-quiet", "-o2", "-strip", "all", *map(str, files)], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--only", nargs="*", help="names of the pictures to take")
    options = parser.parse_args()
    out = options.out.resolve()
    out.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="screenshots-") as tmp:
        env = {
            **os.environ,
            "DEBUG": "true",
            "DATABASE_URL": f"sqlite:///{tmp}/demo.sqlite3",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "EMAIL_URL": "locmem://",
        }
        env.pop("REDIS_URL", None)
        for command in (["migrate", "-v0", "--noinput"], ["load_demo"]):
            subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True)

        os.environ.update(env)
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from demo.content import PASSWORD

        wanted = [s for s in shots() if not options.only or s.name in options.only]
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"{base_url}/healthz", timeout=1)
                    break
                except OSError:
                    time.sleep(0.2)
            else:
                raise SystemExit("The demo server did not start.")
            print(f"Pictures of {base_url} into {out.relative_to(ROOT)}:")
            saved = take(wanted, base_url, out, PASSWORD)
        finally:
            server.terminate()
            server.wait(timeout=10)
        optimise(saved)


if __name__ == "__main__":
    main()
