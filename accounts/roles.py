"""Which permissions each role (auth group) carries.

Used by the data migration that first created the roles, and after
every migrate/flush (post_migrate), so the roles are always complete: a
flushed test database or a new permission gets them back without manual steps.
"""

from django.contrib.auth.management import create_permissions

ROLE_PERMISSIONS = {
    "Author": ["accounts.write_articles"],
    "Editor": [
        "accounts.handle_articles",
        "accounts.view_user",
        "accounts.change_user",
        "auth.view_group",
        "articles.view_article",
        "articles.view_revision",
        "articles.view_reference",
        "articles.view_auditentry",
        "articles.view_editorialpolicy",
        "articles.change_editorialpolicy",
        "articles.view_glossaryterm",
        "articles.add_glossaryterm",
        "articles.change_glossaryterm",
        "articles.delete_glossaryterm",
        "articles.view_readerquestion",
        "articles.view_articlenotice",
        "articles.view_discussion",
        "articles.view_discussionmessage",
        "articles.view_discussionreading",
        "articles.view_sourcealert",
        "articles.view_referencecheck",
        "reviews.view_boardsignoff",
        "reviews.view_signoffwithdrawal",
        "reviews.view_reviewround",
        "reviews.view_reviewassignment",
        "reviews.view_review",
        "reviews.view_boardrecusal",
    ],
    "Reviewer": ["accounts.review_articles"],
    "Advisory Board": ["accounts.sign_off_articles"],
}


def ensure_roles(apps, using: str = "default", role_permissions=None) -> None:
    role_permissions = role_permissions or ROLE_PERMISSIONS
    app_labels = {code.split(".")[0] for codes in role_permissions.values() for code in codes}
    for label in sorted(app_labels):
        create_permissions(apps.get_app_config(label), apps=apps, verbosity=0, using=using)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codes in role_permissions.items():
        group, _ = Group.objects.using(using).get_or_create(name=role)
        wanted = [
            Permission.objects.using(using).get(
                content_type__app_label=code.split(".")[0], codename=code.split(".")[1]
            )
            for code in codes
        ]
        # Exactly these: a permission dropped from the mapping is taken away.
        group.permissions.set(wanted)
