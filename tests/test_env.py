"""The strict environment readers (core/env.py) behind the settings: a set
value is used, an unset one falls back to the default, and a bad one stops
start-up with ImproperlyConfigured naming the variable."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from core.env import (
    env_bool,
    env_database,
    env_email,
    env_int,
    env_list,
    env_redis,
    env_str,
)


@pytest.mark.parametrize(("value", "expected"), [("TRUE", True), (" yes ", True), ("0", False)])
def test_booleans_read_the_usual_words(monkeypatch, value, expected):
    monkeypatch.setenv("TEST_FLAG", value)
    assert env_bool("TEST_FLAG", not expected) is expected


def test_unset_variables_fall_back_to_their_defaults(monkeypatch):
    for name in ("TEST_FLAG", "TEST_NUMBER", "TEST_LIST", "TEST_TEXT", "TEST_REDIS"):
        monkeypatch.delenv(name, raising=False)
    assert env_bool("TEST_FLAG", True) is True
    assert env_int("TEST_NUMBER", 5) == 5
    assert env_list("TEST_LIST", ["localhost"]) == ["localhost"]
    assert env_str("TEST_TEXT", "default") == "default"
    assert env_redis("TEST_REDIS") is None


@pytest.mark.parametrize(
    ("reader", "value"),
    [
        (lambda: env_bool("TEST_VALUE", False), "maybe"),
        (lambda: env_int("TEST_VALUE", 1), "five"),
        (lambda: env_list("TEST_VALUE", []), " , "),
        (lambda: env_str("TEST_VALUE", "x"), "  "),
        (lambda: env_redis("TEST_VALUE"), "http://localhost:6379"),
        (lambda: env_database("TEST_VALUE", ""), "mysql://localhost/db"),
        (lambda: env_email("TEST_VALUE", ""), "carrier-pigeon://loft"),
        (lambda: env_email("TEST_VALUE", ""), "smtp://mail.example.org:port"),
    ],
)
def test_a_bad_value_is_refused_naming_the_variable(monkeypatch, reader, value):
    monkeypatch.setenv("TEST_VALUE", value)
    with pytest.raises(ImproperlyConfigured, match="TEST_VALUE"):
        reader()


def test_lists_are_comma_separated_and_trimmed(monkeypatch):
    monkeypatch.setenv("TEST_LIST", " example.org, www.example.org ,")
    assert env_list("TEST_LIST", []) == ["example.org", "www.example.org"]


def test_email_url_configures_smtp(monkeypatch):
    monkeypatch.setenv("TEST_EMAIL_URL", "smtp://mailer:s%40cret@mail.example.org:587?tls=1")
    config = env_email("TEST_EMAIL_URL", "console://")
    assert config["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (config["EMAIL_HOST"], config["EMAIL_PORT"]) == ("mail.example.org", 587)
    assert (config["EMAIL_HOST_USER"], config["EMAIL_HOST_PASSWORD"]) == ("mailer", "s@cret")
    assert config["EMAIL_USE_TLS"] is True


def test_sqlite_database_urls_keep_no_connections_open(monkeypatch):
    monkeypatch.delenv("TEST_DB", raising=False)
    config = env_database("TEST_DB", "sqlite:////tmp/medreview.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == "/tmp/medreview.sqlite3"
    assert config["CONN_MAX_AGE"] == 0


def test_database_options_can_be_turned_off_for_a_connection_pooler(monkeypatch):
    monkeypatch.setenv("TEST_DB", "postgres://app@db.example:5432/medreview")
    assert env_database("TEST_DB", "")["OPTIONS"] == {"options": "-c random_page_cost=1.1"}
    monkeypatch.setenv("DATABASE_OPTIONS", "")
    assert "options" not in env_database("TEST_DB", "").get("OPTIONS", {})
