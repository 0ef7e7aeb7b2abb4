"""Refusals that hold for every page, before any view runs."""

from urllib.parse import unquote

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
