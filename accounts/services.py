from django.contrib.auth.models import Group
from django.db import transaction

from .models import Role, User


def user_sign_up(*, form) -> User:
    """Create an account from a valid SignUpForm. Signing up gives the Author
    role only; editors grant the other roles."""
    with transaction.atomic():
        user = form.save()
        user.groups.add(Group.objects.get(name=Role.AUTHOR))
    return user
