import pytest

from tests.policy import world as world_module


@pytest.fixture
def app_config():
    # Two sheets complete an appraisal here, so that the decided initiatives have two reviewers.
    return {"REVIEWERS_PER_INITIATIVE": 2}


@pytest.fixture
def world(app, make_user, make_unit, make_field):
    return world_module.build(app, make_user, make_unit, make_field)
