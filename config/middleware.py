"""Refusals and headers that hold for every page, before any view runs."""

from urllib.parse import unquote

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.shortcuts import render

NULL_IN_QUERY = (
    "The address contains a null character, which no search or filter can use. "
    "Remove it and try again."
)


def refuse_null_characters_in_query(get_response):
    """No page has a use for a NUL in its query string, and PostgreSQL refuses
    one in any text it is given: searches and filters that passed it on
    ended in a server error. One refusal here covers every view, Django's
    own included, so none has to remember it. (Form posts are covered by
    Django's form fields, which refuse NUL themselves.)"""

    def middleware(request):
        if "\x00" in unquote(request.META.get("QUERY_STRING", "")):
            return render(request, "400.html", {"reason": NULL_IN_QUERY}, status=400)
        return get_response(request)

    return middleware


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the policy built once rather than per response.

    django-csp 4.0 builds the header from the settings for every response,
    twice over (enforced and report-only): a fifth of what a health check
    cost the origin (bench/middleware.py). Our policy has no nonce and no
    view adjusts it, so the text is the same every time. Whenever a response
    or request carries its own part (a @csp_update decorator, a nonce that a
    template asked for), or the settings exclude some paths, django-csp's own
    path builds the header as before."""

    # What the @csp_update, @csp_replace, @csp_exempt... decorators leave on a response.
    PER_RESPONSE = tuple(
        f"_csp_{part}{suffix}" for part in ("config", "update", "replace") for suffix in ("", "_ro")
    )

    def __init__(self, get_response):
        super().__init__(get_response)
        self._built_from = None

    def _fixed_policies(self) -> tuple[str, str] | None:
        # Built again when the settings change (override_settings in tests).
        source = (
            getattr(settings, "CONTENT_SECURITY_POLICY", None),
            getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None),
        )
        if source != self._built_from:
            per_path = any((policy or {}).get("EXCLUDE_URL_PREFIXES") for policy in source)
            self._fixed = None if per_path else (build_policy(), build_policy(report_only=True))
            self._built_from = source
        return self._fixed

    def process_response(self, request, response):
        fixed = self._fixed_policies()
        if (
            fixed is None
            or settings.DEBUG  # django-csp leaves Django's debug pages alone
            or getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in self.PER_RESPONSE)
        ):
            return super().process_response(request, response)
        enforced, report_only = fixed
        if enforced and HEADER not in response and not getattr(response, "_csp_exempt", False):
            response[HEADER] = enforced
        if (
            report_only
            and HEADER_REPORT_ONLY not in response
            and not getattr(response, "_csp_exempt_ro", False)
        ):
            response[HEADER_REPORT_ONLY] = report_only
        # As django-csp does: a nonce asked for once the header is written
        # would be in no header, so asking for one now is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
