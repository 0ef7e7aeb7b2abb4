from django.contrib.auth.models import AbstractUser
from django.db import models


class AudienceLevel(models.TextChoices):
    PATIENT = "patient", "Patient or caregiver"
    STUDENT = "student", "Student"
    PROFESSIONAL = "professional", "Healthcare professional"


class Role(models.TextChoices):
    """The four roles are auth groups (created by a data migration); the value
    is the group name. Permissions hang off the groups, never off code."""

    AUTHOR = "Author"
    EDITOR = "Editor"
    REVIEWER = "Reviewer"
    BOARD = "Advisory Board"


class User(AbstractUser):
    display_name = models.CharField(
        max_length=150, blank=True, help_text="How your name appears to readers and colleagues."
    )
    credentials = models.CharField(max_length=100, blank=True, help_text='For example "MD, PhD".')
    specialty = models.CharField(max_length=150, blank=True)
    bio = models.TextField("short bio", blank=True, max_length=2000)
    disclosure = models.TextField(
        "competing-interest disclosure",
        blank=True,
        max_length=2000,
        help_text="Shown publicly next to your name. Write “None” if you have nothing to declare.",
    )
    preferred_audience = models.CharField(
        max_length=20,
        choices=AudienceLevel.choices,
        blank=True,
        default="",
        help_text="The wording you see on public article pages (empty: not chosen yet).",
    )

    class Meta:
        permissions = [
            ("write_articles", "Can write and submit articles"),
            ("handle_articles", "Can handle articles as an editor"),
            ("review_articles", "Can review articles"),
            ("sign_off_articles", "Can sign off articles for the Medical Advisory Board"),
        ]

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def name_with_credentials(self) -> str:
        return f"{self}, {self.credentials}" if self.credentials else str(self)

    def has_role(self, role: Role) -> bool:
        return role.value in self.role_names

    @property
    def role_names(self) -> frozenset[str]:
        # Cached per instance: templates ask this several times per page.
        if not hasattr(self, "_role_names"):
            self._role_names = frozenset(self.groups.values_list("name", flat=True))
        return self._role_names

    @property
    def is_editor(self) -> bool:
        return self.has_role(Role.EDITOR)

    @property
    def is_board_member(self) -> bool:
        return self.has_role(Role.BOARD)
