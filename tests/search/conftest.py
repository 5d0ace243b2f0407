"""Search tests use the publishing fixtures: an editor, recognised and published initiatives."""
from tests.publishing.conftest import (  # noqa: F401
    editor,
    make_recognized,
    publish,
    published,
    unpublish,
)
