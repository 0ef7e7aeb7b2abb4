from functools import cached_property

from django.contrib.auth.models import AnonymousUser

from .models import Notification
from .rules import is_board_member, is_editor, is_reviewer


class DeskLinks:
    """Which work pages the header links to, asked of the same rules the
    pages enforce, so a link is offered exactly when its page opens. Each is
    asked only when a signed-in page draws the header."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def unread(self) -> int:
        """Unread notifications (one query, asked only by signed-in pages)."""
        if not self.user.is_authenticated:
            return 0
        return Notification.objects.filter(recipient=self.user).unread().count()

    @cached_property
    def office(self) -> bool:
        return is_editor(self.user)

    @cached_property
    def sign_off(self) -> bool:
        return is_board_member(self.user)

    @cached_property
    def reviews(self) -> bool:
        return is_reviewer(self.user)


def desk_links(request) -> dict:
    return {"desk_links": DeskLinks(person(request))}


def person(request):
    """Who is asking. A request refused before AuthenticationMiddleware ran
    (a Host header not in ALLOWED_HOSTS) has no `user` yet; its error page is
    drawn for nobody, as Django's own auth context processor does."""
    return getattr(request, "user", None) or AnonymousUser()
