"""The URL builders the tests' apps share (tests/process_cache.py) are the ones Werkzeug
would compile for each rule: same code, same constants, same arguments."""
import pytest

from tests import process_cache

pytestmark = pytest.mark.sqlite_only  # the URL map is the same whatever the database: once, in the SQLite pass (CI time)


def _code(builder):
    code = builder.__code__
    return code.co_code, code.co_consts, code.co_varnames[:code.co_argcount], builder.__defaults__


def test_every_rule_is_built_by_the_code_werkzeug_compiles_for_it(app):
    rules = list(app.url_map.iter_rules())
    assert len(rules) > 100
    for rule in rules:
        for append_unknown in (False, True):
            shared = process_cache._shared_builder(rule, append_unknown)
            assert _code(shared) == _code(process_cache.fresh_builder(rule, append_unknown)), rule.rule


def test_urls_with_defaults_and_converters_come_out_as_before(app):
    with app.test_request_context():
        from flask import url_for
        assert url_for("static", filename="a b.css") == "/static/a%20b.css"
        assert url_for("static", filename="x.css", v=3) == "/static/x.css?v=3"
