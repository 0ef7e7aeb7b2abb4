from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from core.models import AppendOnlyModel

from .validators import refuse_control_characters, refuse_control_characters_and_line_breaks


class AudienceLevel(models.TextChoices):
    PATIENT = "patient", "Patient or caregiver"
    STUDENT = "student", "Student"
    PROFESSIONAL = "professional", "Healthcare professional"


class NoticeEmail(models.TextChoices):
    """How a person wants their notifications by email (the inbox always has
    them). E-signature and security mail ignore this: it always goes."""

    EACH = "each", "An email for each notification"
    DAILY = "daily", "One email a day with everything new"
    NONE = "none", "No email: I read them in my inbox"


class Role(models.TextChoices):
    """The four roles are auth groups (created by a data migration); the value
    is the group name. Permissions hang off the groups, never off code."""

    AUTHOR = "Author"
    EDITOR = "Editor"
    REVIEWER = "Reviewer"
    BOARD = "Advisory Board"


EMAIL_TAKEN = "This email address already belongs to another account."
UNIQUE_EMAIL = "unique_email_ignoring_case"


class UserQuerySet(models.QuerySet):
    def acting_in(self, role: Role) -> "UserQuerySet":
        """Active people who hold `role` themselves: the query form of
        `accounts.rules.acts_in_role`."""
        return self.filter(groups__name=role, is_active=True)

    def with_email(self, email: str) -> "UserQuerySet":
        """The account `email` belongs to, in any letter case: at most one,
        as the database's unique_email_ignoring_case constraint holds. Every
        "is this email taken?" asks here (sign-up, invitations, sign-in)."""
        if not email:
            return self.none()
        # Lower on both sides, as the constraint compares them.
        return self.alias(email_lower=Lower("email")).filter(email_lower=Lower(models.Value(email)))


class AccountManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    # AbstractUser's names and email, with the checks our own fields have:
    # the name stands in for an empty display name (str(user)), so it reaches
    # signatures, e-mails and pages.
    first_name = models.CharField(
        "first name",
        max_length=150,
        blank=True,
        validators=[refuse_control_characters_and_line_breaks],
    )
    last_name = models.CharField(
        "last name",
        max_length=150,
        blank=True,
        validators=[refuse_control_characters_and_line_breaks],
    )
    email = models.EmailField(
        "email address", blank=True, validators=[refuse_control_characters_and_line_breaks]
    )
    display_name = models.CharField(
        max_length=150,
        blank=True,
        help_text="How your name appears to readers and colleagues.",
        validators=[refuse_control_characters_and_line_breaks],
    )
    credentials = models.CharField(
        max_length=100,
        blank=True,
        help_text='For example "MD, PhD".',
        validators=[refuse_control_characters_and_line_breaks],
    )
    specialty = models.CharField(
        max_length=150, blank=True, validators=[refuse_control_characters_and_line_breaks]
    )
    bio = models.TextField(
        "short bio", blank=True, max_length=2000, validators=[refuse_control_characters]
    )
    disclosure = models.TextField(
        "competing-interest disclosure",
        blank=True,
        max_length=2000,
        help_text="Shown publicly next to your name. Write “None” if you have nothing to declare.",
        validators=[refuse_control_characters],
    )
    preferred_audience = models.CharField(
        max_length=20,
        choices=AudienceLevel.choices,
        blank=True,
        default="",
        help_text="The wording you see on public article pages (empty: not chosen yet).",
    )
    notice_email = models.CharField(
        "notification emails",
        max_length=10,
        choices=NoticeEmail.choices,
        default=NoticeEmail.EACH,
    )

    objects = AccountManager()

    class Meta:
        constraints = [
            # People sign in with their email: one address, one account.
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name=UNIQUE_EMAIL,
                violation_error_message=EMAIL_TAKEN,
            )
        ]
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


class RoleChange(AppendOnlyModel):
    """Append-only record of every role granted or removed, and by whom."""

    person = models.ForeignKey(User, on_delete=models.PROTECT, related_name="role_changes")
    role = models.CharField(max_length=30, choices=Role.choices)
    granted = models.BooleanField(help_text="True: granted; False: removed.")
    changed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(
        max_length=300, blank=True, validators=[refuse_control_characters_and_line_breaks]
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        verb = "granted" if self.granted else "removed"
        return f"{self.role} {verb} for {self.person}"


class ProfileChange(AppendOnlyModel):
    """Append-only record of each change to a person's profile: which field,
    from what to what, and by whom. Names and credentials stand behind
    published signatures, so none of them changes silently."""

    # Everything that names or describes the person to readers and colleagues.
    AUDITED_FIELDS = (
        "username",
        "first_name",
        "last_name",
        "email",
        "display_name",
        "credentials",
        "specialty",
        "bio",
        "disclosure",
        # Who may sign in at all, and with what powers.
        "is_active",
        "is_staff",
        "is_superuser",
        # How they are told of their work: a silent change would lose them mail.
        "notice_email",
    )

    person = models.ForeignKey(User, on_delete=models.PROTECT, related_name="profile_changes")
    field = models.CharField(max_length=50)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.field_label} of {self.person} changed"

    @property
    def field_label(self) -> str:
        return User._meta.get_field(self.field).verbose_name.capitalize()


class Invitation(models.Model):
    """An emailed, signed, single-use link to join in a role."""

    email = models.EmailField(validators=[refuse_control_characters_and_line_breaks])
    role = models.CharField(
        max_length=30, choices=[(Role.REVIEWER, "Reviewer"), (Role.BOARD, "Advisory Board")]
    )
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.email} as {self.role}"


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def awaiting_digest(self):
        """Not emailed and not read yet: what the next daily digest carries."""
        return self.filter(emailed_at__isnull=True, read_at__isnull=True)


class Notification(models.Model):
    """One thing a person was told about: a hand-off or a message. Written in
    the transaction of the action that caused it (a rolled-back action tells
    nobody), by `accounts.notifications.notify`, which decides whether an
    email goes too. The text is written for this recipient: it never holds
    what they may not read."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40, help_text="What happened, e.g. article_submitted.")
    subject = models.CharField(max_length=300)
    body = models.TextField(blank=True, help_text="Plain text, shown in the inbox and email.")
    link = models.CharField(max_length=500, help_text="Path of the page where they act.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(
        null=True, blank=True, help_text="When it went out by email, on its own or in a digest."
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.subject} (to {self.recipient})"


class DailyDigest(models.Model):
    """One daily digest email sent to a person: at most one a day (the
    unique row is written in the transaction that queues the email and
    marks its notifications emailed, so running the job twice sends once)."""

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="daily_digests")
    day = models.DateField()
    notification_count = models.PositiveIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["person", "day"], name="one_digest_per_person_a_day")
        ]

    def __str__(self) -> str:
        return f"Digest for {self.person} on {self.day}"
