"""The deployment files (deploy/) agree with the code: compose runs every part
the README names, env.example names every setting the app reads, and the VCL
compiles in the Varnish that CI installs."""

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from bench.varnish import VARNISHD, VCL

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
SETTINGS = ROOT / "config" / "settings" / "__init__.py"

# Settings whose local default would be wrong or unsafe on a server: the
# example must give them a value, not a commented default.
MUST_SET = {
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "ALLOWED_HOSTS",
    "SITE_URL",
    "DEFAULT_FROM_EMAIL",
    "EMAIL_URL",
    "REFERENCE_LOOKUP_CONTACT",
    "FRONTEND_CACHE_BACKEND",
    "VARNISH_URLS",
    "BEHIND_TLS_PROXY",
}


def _compose():
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def _example() -> tuple[dict[str, str], set[str]]:
    """The example's set values, and every name it mentions (set or commented)."""
    values, named = {}, set()
    for line in (DEPLOY / "env.example").read_text().splitlines():
        found = re.match(r"^(#\s*)?([A-Z][A-Z0-9_]+)=(.*)$", line.strip())
        if found:
            named.add(found.group(2))
            if not found.group(1):
                values[found.group(2)] = found.group(3)
    return values, named


def test_compose_runs_two_app_servers_behind_varnish_with_every_service():
    services = _compose()["services"]
    assert {"app1", "app2", "worker", "scheduler", "varnish", "postgres", "redis"} <= set(services)
    for app in ("app1", "app2"):
        assert services[app]["build"]["dockerfile"] == "deploy/Dockerfile"
    assert "db_worker" in services["worker"]["command"]
    assert services["scheduler"]["command"][-2:] == ["run_periodic", "--loop"]
    assert services["varnish"]["image"].startswith("varnish:7")
    assert "./varnish/default.vcl:/etc/varnish/default.vcl:ro" in services["varnish"]["volumes"]
    assert services["postgres"]["image"] in {"postgres:15", "postgres:16"}
    assert services["redis"]["image"] == "redis:7"


def test_the_vcl_sends_to_the_app_servers_and_trusts_their_purges():
    services, vcl = _compose()["services"], VCL.read_text()
    backends = set(re.findall(r'\.host = "([^"]+)";', vcl))
    acl = set(re.findall(r'^\s*"([0-9a-f.:]+)";', vcl.split("acl purgers")[1], re.M))
    address = {name: services[name]["networks"]["site"]["ipv4_address"] for name in services
               if isinstance(services[name].get("networks"), dict)}  # fmt: skip
    assert backends == {address["app1"], address["app2"]}
    # Purges are sent by whichever process runs the task: app servers or the worker.
    assert {address["app1"], address["app2"], address["worker"]} <= acl
    assert "172.30.25.1" not in acl  # Docker's gateway: readers' requests may come from it


def test_env_example_names_every_setting_the_app_reads():
    read = set(re.findall(r'env_[a-z]+\(\s*"([A-Z][A-Z0-9_]+)"', SETTINGS.read_text()))
    assert {"SECRET_KEY", "DATABASE_URL"} <= read  # the pattern still finds them
    values, named = _example()
    assert read - named == set()
    assert MUST_SET - set(values) == set()
    assert values["FRONTEND_CACHE_BACKEND"] == "varnish"
    # The app's database is the compose database, with the password compose gives it.
    assert f":{values['POSTGRES_PASSWORD']}@postgres:5432/" in values["DATABASE_URL"]


def test_the_dockerfile_builds_the_app_with_its_static_files():
    text = (DEPLOY / "Dockerfile").read_text()
    assert text.startswith("#") and "FROM python:3.11-slim" in text
    assert "collectstatic" in text and 'pip install ".[rq]"' in text
    assert '"gunicorn.conf.py"' in text


@pytest.mark.skipif(not VARNISHD, reason="varnishd is not installed (apt-get install -y varnish)")
def test_the_vcl_compiles_and_a_broken_one_does_not(tmp_path):
    compiled = subprocess.run([VARNISHD, "-C", "-f", str(VCL)], capture_output=True, timeout=60)
    assert compiled.returncode == 0, compiled.stderr.decode()[-2000:]
    broken = tmp_path / "broken.vcl"
    broken.write_text(VCL.read_text().replace("sub vcl_hash {", "sub vcl_hash {\n  nonsense;"))
    failed = subprocess.run([VARNISHD, "-C", "-f", str(broken)], capture_output=True, timeout=60)
    assert failed.returncode != 0
