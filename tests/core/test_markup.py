"""Markdown then bleach: what survives, what never does, and no state between texts."""
import pytest

from portal.core.markup import CACHED_LENGTH, plain_text, render_markdown

# Markdown rendering never opens the database: once, in the SQLite pass (CI time).
pytestmark = pytest.mark.sqlite_only


@pytest.mark.parametrize("source, forbidden", [
    ("<script>alert(1)</script>", "<script"),
    ("[x](javascript:alert(1))", "javascript:"),
    ('<img src=x onerror="alert(1)">', "onerror"),
    ("<svg onload=alert(1)></svg>", "<svg"),
    ("<iframe src=//evil.example></iframe>", "<iframe"),
    ("<style>body{display:none}</style>", "<style"),
    ("<noscript><p>x</p></noscript>", "<noscript"),
])
def test_active_content_never_survives(source, forbidden):
    assert forbidden not in str(render_markdown(source)).lower()


def test_links_get_rel_and_headings_start_at_h2():
    html = str(render_markdown("# Tiêu đề\n\n[VKS](https://vks.example) và https://vksndtc.gov.vn"))
    assert "<h2>Tiêu đề</h2>" in html and "<h1>" not in html
    assert html.count('rel="noopener noreferrer nofollow"') == 2


def test_a_converter_reused_between_texts_keeps_nothing_of_the_first():
    first = "VKS is used here.\n\n*[VKS]: Viện kiểm sát\n\nFact[^1].\n\n[^1]: Nguồn."
    assert "Viện kiểm sát" in str(render_markdown(first))
    second = str(render_markdown("VKS again, no definition. Fact[^1]."))
    assert "Viện kiểm sát" not in second and "Nguồn" not in second


@pytest.mark.parametrize("length", [CACHED_LENGTH - 10, CACHED_LENGTH + 10])
def test_short_and_long_texts_render_alike(length):
    source = ("**Sáng kiến** " * length)[:length]
    html = str(render_markdown(source))
    assert html.startswith("<p><strong>Sáng kiến</strong>")
    assert render_markdown(source) == render_markdown(source)


def test_plain_text_strips_markup_and_cuts_at_a_word():
    assert plain_text("**Sáng kiến** &amp; <b>điều tra</b> hình sự", 20) == "Sáng kiến & điều…"
