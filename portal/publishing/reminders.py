"""The editor's daily reminder: recognised initiatives still not published past PUBLISH_DUE_DAYS
(the seed requires every recognised initiative on the website)."""
from portal.auth.services import holders_of
from portal.core import jobs
from portal.core.notifications import remind_once
from portal.core.phrases import Listing, Phrase
from portal.publishing.operations import queue


def remind_editors(on_day):
    """One reminder a day to each editor while publications are overdue; returns how many."""
    overdue = [item for item in queue() if item["overdue"]]
    if not overdue:
        return 0
    titles = Listing([Phrase("• %(title)s (chờ %(days)s ngày)", title=item["initiative"].title, days=item["days"])
                      for item in overdue], "\n")
    return len(remind_once(
        holders_of("editor"), "publishing.overdue", on_day,
        Phrase("Nhắc việc: %(n)s sáng kiến đã công nhận quá hạn chưa đăng", n=len(overdue)),
        Phrase("Các sáng kiến sau đã được công nhận nhưng chưa đăng lên Trang thông tin điện tử:\n%(titles)s",
               titles=titles),
        "/editor"))


def editor_reminders():
    day = jobs.reminder_day()
    if day is None:
        return jobs.waiting_for_reminder_hour()
    return {"reminded": remind_editors(day)}
