class ReadOnlyAdminMixin:
    """For records written only by the application's own services (role and
    profile changes, audit entries, frozen content): the admin shows them
    and changes nothing."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
