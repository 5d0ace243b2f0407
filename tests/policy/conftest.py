import pytest

from tests.policy import world as world_module
from tests.snapshots import restored


@pytest.fixture
def app_config():
    # Two sheets complete an appraisal here, so that the decided initiatives have two reviewers.
    return {"REVIEWERS_PER_INITIATIVE": 2}


@pytest.fixture
def world(app, app_config, make_user, make_unit, make_field):
    """Built once per test process and restored for each test (tests/snapshots.py)."""
    def build():
        return world_module.build(app, make_user, make_unit, make_field).by_id()

    return restored(app, "policy world", build, app_config).loaded()
