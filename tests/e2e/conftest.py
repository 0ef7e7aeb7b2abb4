import os
import shutil
import warnings

import pytest

CHROMIUM = shutil.which("chromium")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def pytest_report_header(config):
    if not CHROMIUM:
        return "WARNING: chromium not found: browser tests will " + (
            "FAIL (CI=true)" if IN_CI else "be SKIPPED (apt-get install -y chromium)"
        )
    return f"browser tests: {CHROMIUM}"


@pytest.fixture(autouse=True)
def _require_chromium():
    if CHROMIUM:
        return
    if IN_CI:
        pytest.fail("Chromium is not installed, and CI must run the browser tests.")
    warnings.warn("chromium is not installed: browser test skipped", stacklevel=1)
    pytest.skip("chromium is not installed (apt-get install -y chromium)")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def demo_site(live_server):
    from io import StringIO

    from django.core.management import call_command

    call_command("load_demo", stdout=StringIO())
    return live_server


def serious_accessibility_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} at {[node['target'] for node in v['nodes'][:3]]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


# Collects Content-Security-Policy violations the page reports, so tests can
# assert the pages really satisfy the policy.
CSP_WATCH = (
    "window.__cspViolations = [];"
    "document.addEventListener('securitypolicyviolation', e =>"
    " window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"
)


@pytest.fixture
def csp_page(browser):
    context = browser.new_context()
    context.add_init_script(CSP_WATCH)
    page = context.new_page()
    yield page
    context.close()
