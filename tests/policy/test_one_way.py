"""One policy, one way to say no: the structure that keeps every channel right.

- pages and the API answer a refusal through one code path each, in one shape;
- no route catches a refusal to answer it by hand; no template compares a status string;
- the SQL that pages lists says exactly what the policy says.
"""
import ast
import re
from pathlib import Path

import pytest

from portal.api.openapi import document
from portal.core.refusal import Refusal
from portal.extensions import db
from portal.initiatives import policy
from portal.initiatives.access import visible_clause
from portal.initiatives.models import Initiative
from portal.initiatives.policy import Act
from tests.policy.world import ROLES

ROOT = Path(__file__).resolve().parents[2]
ROUTE_MODULES = sorted({*ROOT.glob("portal/*/routes.py"), *ROOT.glob("portal/*/admin_routes.py"),
                        *ROOT.glob("portal/council/pages/*.py"), *ROOT.glob("portal/api/*.py"),
                        ROOT / "portal/admin/audit_views.py"})


def test_no_template_compares_a_status_string():
    """Templates ask the policy (`can(...)`) or are given labels; they never test states themselves."""
    pattern = re.compile(r"""(status|outcome|suggested)\w*(\.value)?\s*(==|!=|\bin\b|\bnot in\b)\s*['"(\[]""")
    found = [f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
             for path in sorted((ROOT / "templates").rglob("*.html"))
             for n, line in enumerate(path.read_text().splitlines(), start=1)
             if pattern.search(line.replace("status in (401, 403, 404)", ""))]
    assert found == []


def test_the_grep_above_catches_a_planted_comparison():
    pattern = re.compile(r"""(status|outcome|suggested)\w*(\.value)?\s*(==|!=|\bin\b|\bnot in\b)\s*['"(\[]""")
    assert pattern.search("{% if initiative.status.value == 'returned' %}")
    assert pattern.search("{% if ap.suggested == 'recognized' %}")
    assert not pattern.search("{% if can('edit', initiative) %}")


def _handlers(path):
    """`except` clauses of a module that answer a refusal themselves (those that re-raise are fine)."""
    tree = ast.parse(path.read_text())
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ExceptHandler):
            continue
        names = {n.id if isinstance(n, ast.Name) else n.attr for n in ast.walk(node.type)
                 if isinstance(n, ast.Name | ast.Attribute)} if node.type is not None else {"*"}
        reraises = any(isinstance(n, ast.Raise) and n.exc is None for n in ast.walk(node))
        if not reraises and not names <= {"FileNotFoundError", "OSError", "ValueError", "TypeError", "KeyError"}:
            found.append(f"{path.name}:{node.lineno}: except {sorted(names)}")
    return found


def test_routes_never_answer_a_refusal_by_hand():
    assert ROUTE_MODULES
    assert [h for path in ROUTE_MODULES for h in _handlers(path)] == []


def test_the_handler_check_catches_a_planted_except_ladder(tmp_path):
    planted = tmp_path / "routes.py"
    planted.write_text("def view():\n    try:\n        go()\n    except Refusal as error:\n        return str(error), 409\n"
                       "    try:\n        go()\n    except Refusal:\n        raise\n")
    assert _handlers(planted) == ["routes.py:4: except ['Refusal']"]


def test_a_refused_form_comes_back_with_its_input_and_the_message_beside_the_field(client, make_user, make_field):
    """The page handler: post/redirect/get to the form, what was typed kept, the message by its field."""
    author = make_user("ksv.hung")
    make_field()
    client.login(author)
    data = {"title": "Sáng kiến giữ lại khi bị từ chối", "form_kind": "solution", "requested_level": "grassroots",
            "authors-0-username": "ksv.hung", "authors-0-share": "60",
            "authors-1-username": "khong.co.ai", "authors-1-share": "40"}
    response = client.post("/my/initiatives/new", data=data, headers={"Referer": "http://localhost/my/initiatives/new"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/my/initiatives/new")
    page = client.get("/my/initiatives/new").get_data(as_text=True)
    assert 'value="Sáng kiến giữ lại khi bị từ chối"' in page and 'value="khong.co.ai"' in page
    assert "khong.co.ai" in page.split('data-testid="author-error"')[1]
    again = client.get("/my/initiatives/new").get_data(as_text=True)  # kept once, then the form is fresh
    assert "Sáng kiến giữ lại khi bị từ chối" not in again
    assert db.session.query(Initiative).count() == 0


def test_the_same_refusal_answers_the_api_in_the_one_error_shape(client, make_user, make_field, api_headers):
    author = make_user("ksv.hung")
    response = client.post("/api/v1/initiatives", headers=api_headers(author), json={
        "title": "Sáng kiến", "field": make_field().code,
        "authors": [{"username": "ksv.hung", "share": 60}, {"username": "khong.co.ai", "share": 40}]})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "fields"} and error["code"] == "invalid"
    assert any("khong.co.ai" in m for m in error["fields"]["authors"])


def test_a_refusal_without_a_form_page_is_the_error_page(client, make_user):
    client.login(make_user("ksv.hung"))
    response = client.post("/my/initiatives/999/submit")
    assert response.status_code == 404 and "Không tìm thấy" in response.get_data(as_text=True)


def test_the_openapi_document_describes_one_error_shape():
    doc = document()
    error = doc["components"]["schemas"]["Error"]["properties"]["error"]
    assert set(error["properties"]) == {"code", "message", "fields"} and error["additionalProperties"] is False
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")):
                    assert response == {"$ref": "#/components/responses/Error"}, (path, method, status)


def test_refusals_are_one_type_with_a_status_a_code_and_fields():
    refused = Refusal(409, "Không thể.", code="wrong_state", field="title")
    assert (refused.status, refused.code, refused.field_messages()) == (409, "wrong_state", {"title": ["Không thể."]})


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_the_sql_of_lists_says_what_the_policy_says(app, world, role):
    user = world.users[role]
    with app.test_request_context("/"):
        listed = set(db.session.execute(db.select(Initiative.id).where(visible_clause(user))).scalars())
        allowed = {i.id for i in db.session.execute(db.select(Initiative)).scalars() if policy.can(user, Act.view, i)}
    assert listed == allowed
