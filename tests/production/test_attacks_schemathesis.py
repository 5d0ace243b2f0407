"""Schemathesis against /api/v1/openapi.json, in-process on the WSGI app: for every operation,
generated requests (random ids and the world's real ones) as a user holding every role answer
no 5xx and exactly what the document says they answer (status and body schema).

A bounded, deterministic run (Hypothesis derandomized, MAX_EXAMPLES per operation) so that it
fits in `make test`.
"""
import re

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    response_schema_conformance,
    status_code_conformance,
)

from tests.production.attack_world import YEAR, build_world  # noqa: E402

MAX_EXAMPLES = 15
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
REAL_IDS = ("draft", "submitted", "review", "published")


@pytest.fixture
def app_config():
    # A 500 must come back as a response for the check to see it, not as an exception.
    return {"TEST_HIDE_500": True}


@pytest.fixture
def world(make_user, make_initiative, make_unit):
    return build_world(make_user, make_initiative, make_unit)


def everything_user(make_user):
    """Admin, editor, emulation officer and vice-chair of this year's council at once."""
    return make_user("toanquyen", roles=("admin", "editor", "emulation_officer"), council="vice_chair",
                     year=YEAR, full_name="Người Giữ Mọi Vai Trò")


def test_the_api_keeps_to_its_openapi_document(app, world, make_user, api_headers):
    headers = api_headers(everything_user(make_user))
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        strategies = [operation.as_strategy()]
        names = re.findall(r"\{(\w+)\}", operation.path)
        if names:  # every path parameter here is an initiative's id
            strategies += [operation.as_strategy(path_parameters={n: world.ids[name] for n in names})
                           for name in REAL_IDS]

        @settings(max_examples=MAX_EXAMPLES, derandomize=True, database=None, deadline=None,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        @given(case=st.one_of(strategies))
        def check(case):
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS)

        try:
            check()
        except (Exception, BaseExceptionGroup) as error:  # every operation is tried; all are reported
            failures.append(f"{operation.label}: {type(error).__name__}: {_summary(error)}")
    assert operations >= 30
    assert failures == [], "\n\n".join(failures)


def _summary(error):
    """The first lines of each failure schemathesis found (the full report is long)."""
    parts = getattr(error, "exceptions", None) or [error]
    return " | ".join(" ".join(str(part).split())[:300] for part in parts)
