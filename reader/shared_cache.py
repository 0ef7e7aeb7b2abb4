"""Which reader responses a shared HTTP cache (Varnish, a CDN) may keep.

A page is shareable when every anonymous reader of its address gets the same
bytes: an anonymous GET or HEAD with no query string (tracking parameters and
page numbers would make addresses the purge cannot name), no flash message
waiting (the `messages` cookie) and no cookie set by the response. Those
responses say `public` with a shared lifetime (`s-maxage`) and a short
`stale-while-revalidate`, and `max-age=0` so browsers revalidate with the
ETag (a 304 says the same as the 200 it stands for). Every change that alters
such a page purges it (reader/page_cache.py, reader/frontend_cache.py), so
the lifetime only bounds how long text altered behind the application's back
can be served before its signatures are checked again.
Everything else the reader views send is private: a signed-in person's page
names them. `Vary: Cookie` tells caches that the same address differs with
the session (the VCL keeps only the reading-level cookie for anonymous readers).
"""

from functools import wraps

from django.conf import settings
from django.utils.cache import patch_cache_control, patch_vary_headers


def is_shareable(request, response) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and response.status_code in (200, 304)
        and not request.GET
        and not request.user.is_authenticated
        and not request.COOKIES.get("messages")
        and not response.cookies
    )


def shareable(view):
    """Mark `view`'s anonymous responses public for shared caches, and the rest private."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        patch_vary_headers(response, ["Cookie"])
        if is_shareable(request, response):
            patch_cache_control(
                response,
                public=True,
                max_age=0,
                s_maxage=settings.SHARED_CACHE_SECONDS,
                stale_while_revalidate=settings.SHARED_CACHE_STALE_SECONDS,
            )
        else:
            # no-cache: a browser asks again (and gets 304 while nothing changed)
            # rather than guessing a lifetime from Last-Modified.
            patch_cache_control(response, private=True, no_cache=True)
        return response

    return wrapped
