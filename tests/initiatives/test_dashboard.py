"""“Sáng kiến của tôi”: everything a person authored, by year and state, with what each waits for."""
from portal.extensions import db
from portal.initiatives.models import Initiative
from tests.initiatives.helpers import YEAR


def test_dashboard_groups_by_year_and_says_what_each_waits_for(client, people, make_initiative):
    make_initiative([people.author], title="Nháp năm nay")
    make_initiative([(people.coauthor, 50), (people.author, 50)], title="Đồng tác giả", status="submitted")
    make_initiative([people.author], title="Bị trả lại", status="returned")
    make_initiative([people.author], title="Năm trước", status="withdrawn", year=YEAR - 1)
    make_initiative([people.stranger], title="Của người khác", status="submitted")
    page = client.login(people.author).get("/my").get_data(as_text=True)
    assert "Của người khác" not in page
    assert page.index(f"Năm {YEAR}") < page.index(f"Năm {YEAR - 1}") < page.index("Năm trước")
    # What needs the author comes first within a year.
    assert page.index("Bị trả lại") < page.index("Nháp năm nay") < page.index("Đồng tác giả")
    for waiting in ("Chờ Thư ký Hội đồng sơ duyệt", "Cần bổ sung theo yêu cầu", "Chờ tác giả hoàn thiện và nộp",
                    "Đã rút, không xử lý tiếp"):
        assert waiting in page
    initiative = db.session.query(Initiative).filter_by(title="Đồng tác giả").one()
    assert f'href="/my/initiatives/{initiative.id}"' in page


def test_dashboard_filters_by_state(client, people, make_initiative):
    make_initiative([people.author], title="Một bản nháp")
    make_initiative([people.author], title="Một hồ sơ đã nộp", status="submitted")
    page = client.login(people.author).get("/my?status=submitted").get_data(as_text=True)
    assert "Một hồ sơ đã nộp" in page and "Một bản nháp" not in page
    assert "Bản nháp" in page  # the filter chip still offers it


def test_empty_dashboard_invites_a_first_initiative(client, people):
    page = client.login(people.author).get("/my").get_data(as_text=True)
    assert "Bạn chưa có sáng kiến nào." in page and "/my/initiatives/new" in page


def test_dashboard_takes_a_fixed_number_of_queries(client, people, make_initiative, count_queries):
    client.login(people.author)
    for n in range(2):
        make_initiative([(people.author, 60), (people.coauthor, 40)], title=f"A{n}")
    client.get("/my")
    with count_queries() as few:
        client.get("/my")
    for n in range(8):
        make_initiative([(people.author, 60), (people.coauthor, 40)], title=f"B{n}", status="submitted",
                        year=YEAR - n % 3)
    with count_queries() as many:
        assert client.get("/my").status_code == 200
    assert many.count == few.count


def test_pages_speak_english_on_request(client, people, make_initiative):
    initiative = make_initiative([people.author], status="submitted")
    client.login(people.author)
    page = client.get("/my?lang=en").get_data(as_text=True)
    assert "My initiatives" in page and "Waiting for the council secretary to screen it" in page
    page = client.get(f"/my/initiatives/{initiative.id}?lang=en").get_data(as_text=True)
    assert "Content of the solution proposed for recognition" in page and "Submitted versions" in page
    page = client.get("/my/initiatives/new?lang=en").get_data(as_text=True)
    assert "Application for recognition of an initiative" in page and "Title of the initiative" in page
