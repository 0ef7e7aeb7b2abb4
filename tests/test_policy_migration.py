"""The policy's yes/no "readers may see work in review" becomes the choice
of from when readers see unapproved work, keeping each site's intent."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("articles", "0015_search_columns_moved_to_reader")]
AFTER = [("articles", "0016_policy_public_from")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("shown", "expected"), [(True, "review"), (False, "approval")])
def test_the_old_setting_maps_to_the_new_choice(shown, expected):
    try:
        apps = _migrate(BEFORE)
        apps.get_model("articles", "EditorialPolicy").objects.create(pk=1, public_in_review=shown)
        apps = _migrate(AFTER)
        policy = apps.get_model("articles", "EditorialPolicy").objects.get(pk=1)
        assert policy.public_from == expected
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
