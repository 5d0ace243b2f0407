"""The council's search across every initiative past draft, and the similarity check."""
import pytest
from lxml import html as lxml_html

from portal.search import similar_initiatives


@pytest.fixture
def council_corpus(make_initiative, make_user):
    author = make_user("tacgia", full_name="Lê Văn Hùng")
    made = {
        status: make_initiative([author], status=status,
                                title=f"Kiểm sát giam giữ tạm giam ({status})",
                                solution="Kiểm sát tạm giữ, tạm giam tại nhà tạm giữ công an quận.")
        for status in ("draft", "submitted", "in_review", "recognized", "rejected", "withdrawn")
    }
    made["other"] = make_initiative([author], status="recognized", title="Số hóa văn thư lưu trữ",
                                    solution="Văn bản điện tử thay văn bản giấy.")
    return made


def _titles(response):
    doc = lxml_html.fromstring(response.data)
    return {a.text_content() for a in doc.xpath("//li[@data-testid='hit']//h2/a")}


def test_council_member_finds_every_state_but_draft(client, make_user, council_corpus):
    member = make_user("hoidong", council="member")
    client.login(member)
    titles = _titles(client.get("/search/internal?q=tam+giam"))
    assert titles == {f"Kiểm sát giam giữ tạm giam ({s})"
                      for s in ("submitted", "in_review", "recognized", "rejected", "withdrawn")}


def test_internal_search_is_for_the_council_only(client, make_user, council_corpus):
    assert client.get("/search/internal?q=tam+giam").status_code == 302  # sign in first
    client.login(make_user("staff"))
    assert client.get("/search/internal?q=tam+giam").status_code == 403
    client.logout().login(make_user("secretary", council="secretary"))
    assert client.get("/search/internal?q=tam+giam").status_code == 200
    assert client.get("/search/internal").status_code == 200


def test_public_search_shows_none_of_the_internal_ones(client, council_corpus):
    assert _titles(client.get("/search?q=tam+giam")) == set()


def test_similar_initiatives_for_screening(council_corpus, make_initiative, make_user):
    screened = make_initiative([make_user()], status="submitted",
                               title="Nâng cao hiệu quả kiểm sát tạm giữ, tạm giam",
                               solution="Kiểm sát tạm giữ, tạm giam tại nhà tạm giữ công an quận.")
    found = similar_initiatives(screened, limit=5)
    assert len(found) == 5
    assert screened not in found
    assert council_corpus["draft"] not in found
    assert council_corpus["other"] not in found
    assert all(0 < i.similarity <= 1 for i in found)
    assert [i.similarity for i in found] == sorted((i.similarity for i in found), reverse=True)
    assert similar_initiatives(screened, limit=2) == found[:2]
