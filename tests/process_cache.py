"""What the tests of one process share, so that each test's new app costs what a test needs.

Every test makes its own app (``create_app``), and two costs of that did not depend on the
test at all: Werkzeug compiling a URL builder for each of the ~170 rules (0.13 s of an app's 0.16 s), and
a new SQLAlchemy engine whose statement cache starts empty (each statement compiled again in
every test). Both are kept per process here:

- a rule's builder is made from its parsed trace and defaults only (it reaches the rule's
  converters through its ``self`` argument when called), so one compiled per distinct key
  serves every app;
- the engine of the tests' own database (the fixture's URL) is kept per options; the app
  fixture disposes its pool after each test, which closes the connections but keeps the
  engine and its compiled statements. Any other URL gets an engine of its own, as before.

Pinned to the Werkzeug major version whose builder this reads; on another, apps compile
their own builders as before.
"""
from importlib.metadata import version

from flask_sqlalchemy import SQLAlchemy
from werkzeug.routing.rules import Rule

_builders = {}
_engines = {}
_shared_urls = set()
_compile_builder = Rule._compile_builder
_make_engine = SQLAlchemy._make_engine


def _builder_key(rule, append_unknown):
    defaults = rule.defaults or {}
    resolved = tuple(rule._converters[data].to_url(defaults[data])
                     for dynamic, data in rule._trace if dynamic and data in defaults)
    return append_unknown, rule.rule, tuple(rule._trace), tuple(map(str, defaults)), resolved


def _shared_builder(self, append_unknown=True):
    key = _builder_key(self, append_unknown)
    builder = _builders.get(key)
    if builder is None:
        builder = _builders[key] = _compile_builder(self, append_unknown)
    return builder


def _shared_engine(self, bind_key, options, app):
    url = options["url"]
    if (url if isinstance(url, str) else url.render_as_string(hide_password=False)) not in _shared_urls:
        return _make_engine(self, bind_key, options, app)
    key = repr(sorted(options.items(), key=lambda item: item[0]))
    engine = _engines.get(key)
    if engine is None:
        engine = _engines[key] = _make_engine(self, bind_key, options, app)
    return engine


def install(database_url):
    _shared_urls.add(database_url)
    if version("werkzeug").split(".")[0] == "3":
        Rule._compile_builder = _shared_builder
    SQLAlchemy._make_engine = _shared_engine


def fresh_builder(rule, append_unknown=True):
    """The builder Werkzeug itself compiles (for the test that compares the two)."""
    return _compile_builder(rule, append_unknown)
