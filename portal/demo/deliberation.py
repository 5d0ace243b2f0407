"""Demo of how the council deliberated last year and this year, made through the real operations.

For each of the two latest demo years: the meeting the secretary recorded before the decision
(time, place, who sat, the vote on each decided initiative), so that its minutes print it; a few
messages of the council's private discussion on some of the decided initiatives; and the
council's conclusion on them, drafted by the secretary and approved by the chair.
"""
from datetime import datetime, time, timedelta

from sqlalchemy import select

from portal.core.timeutil import frozen_at
from portal.council import discussion, meetings
from portal.council.discussion_models import Thread
from portal.council.queries import council_of
from portal.council.services import assignments_of
from portal.extensions import db
from portal.initiatives.models import Initiative
from portal.initiatives.workflow import Status

PLACE = "Phòng họp số 1, tầng 3, trụ sở Viện kiểm sát nhân dân thành phố Đà Nẵng"
ABSENT = {-1: "hoidong4"}  # last year one member was on a business trip; this year everyone sat

# (who writes: "reviewer" (the first whose sheet is in), "secretary", "chair"; the message)
RECOGNIZED_THREAD = [
    ("reviewer", "Tôi đã nộp phiếu. Giải pháp áp dụng thực tế tại đơn vị có số liệu rõ ràng; đề nghị tác giả "
                 "bổ sung thêm bảng so sánh trước và sau khi áp dụng vào phụ lục để dễ nhân rộng."),
    ("secretary", "Đã đủ ba phiếu chấm, điểm trung bình đạt ngưỡng công nhận. Tôi sẽ dự thảo kết luận để trình "
                  "Chủ tịch Hội đồng trước cuộc họp."),
    ("chair", "Thống nhất. Đề nghị Thư ký ghi rõ phạm vi có thể nhân rộng ra các Viện kiểm sát quận, huyện "
              "trong kết luận."),
]
REJECTED_THREAD = [
    ("reviewer", "Nội dung trùng nhiều với hướng dẫn nghiệp vụ đã ban hành; tôi chưa thấy điểm mới so với "
                 "cách làm hiện hành nên đề nghị chưa công nhận."),
    ("secretary", "Hai trên ba phiếu đề nghị không đạt, điểm trung bình dưới ngưỡng. Kết luận sẽ nêu cụ thể "
                  "các điểm tác giả cần hoàn thiện nếu đăng ký lại năm sau."),
]
RECOGNIZED_CONCLUSION = (
    "Hội đồng Sáng kiến thống nhất đánh giá sáng kiến có tính mới tại đơn vị, đã được áp dụng thực tế và "
    "mang lại hiệu quả rõ rệt trong công tác kiểm sát; đủ điều kiện đề nghị công nhận sáng kiến cấp cơ sở. "
    "Đề nghị tác giả hoàn thiện phụ lục số liệu và phối hợp Văn phòng để nhân rộng tại các Viện kiểm sát "
    "nhân dân quận, huyện.")
REJECTED_CONCLUSION = (
    "Hội đồng Sáng kiến ghi nhận nỗ lực của tác giả nhưng giải pháp chưa có điểm mới so với hướng dẫn "
    "nghiệp vụ hiện hành và chưa có số liệu chứng minh hiệu quả; chưa đủ điều kiện công nhận. Tác giả có "
    "thể hoàn thiện, bổ sung kết quả áp dụng và đăng ký lại vào năm sau.")
DECIDED = (Status.recognized, Status.rejected)


def seed(ctx):
    users, this_year = ctx["users"], ctx["this_year"]
    if "thuky" not in users or "chutich" not in users:
        return {}
    counts = {"council meetings": 0, "discussion posts": 0, "approved conclusions": 0}
    for offset in (-1, 0):
        year = this_year + offset
        council = council_of(year, with_members=True)
        decided = _decided(year)
        if year not in ctx["years"] or council is None or not decided:
            continue
        decided_on = min(i.decision_date for i in decided)
        _meeting(year, council, decided, users, ABSENT.get(offset), decided_on - timedelta(days=2))
        counts["council meetings"] += 1
        recognized = [i for i in decided if i.status == Status.recognized]
        rejected = [i for i in decided if i.status == Status.rejected]
        for initiative, thread, conclusion in ((recognized[0], RECOGNIZED_THREAD, RECOGNIZED_CONCLUSION),
                                               (rejected[0] if rejected else None, REJECTED_THREAD,
                                                REJECTED_CONCLUSION)):
            if initiative is None:
                continue
            counts["discussion posts"] += _discuss(initiative, thread, users, decided_on - timedelta(days=6))
            _conclude(initiative, conclusion, users, decided_on - timedelta(days=1))
            counts["approved conclusions"] += 1
    db.session.flush()
    return counts


def _decided(year):
    return list(db.session.execute(
        select(Initiative).where(Initiative.year == year, Initiative.status.in_(DECIDED),
                                 Initiative.decision_date.is_not(None))
        .order_by(Initiative.id)).scalars())


def _meeting(year, council, decided, users, absent, day):
    members = list(council.members)
    present = [m.user_id for m in members if absent is None or m.user_id != users[absent].id]
    votes = {}
    for n, initiative in enumerate(decided):
        if initiative.status == Status.recognized:  # now and then one member abstains
            votes[initiative.id] = (len(present) - 1, 0, 1) if n % 3 == 1 else (len(present), 0, 0)
        else:
            votes[initiative.id] = (1, len(present) - 1, 0)
    starts_at = datetime.combine(day, time(8, 30))
    with frozen_at(starts_at + timedelta(hours=3)):
        return meetings.save_meeting(None, actor=users["thuky"], year=year, members=members, starts_at=starts_at,
                                     place=PLACE, chair_id=users["chutich"].id, secretary_id=users["thuky"].id,
                                     present_ids=present, votes=votes)


def _discuss(initiative, thread, users, day):
    reviewers = [a.reviewer for a in assignments_of(initiative, initiative.round) if a.submitted]
    writers = {"reviewer": reviewers[0] if reviewers else None, "secretary": users["thuky"],
               "chair": users["chutich"]}
    written = 0
    for hour, (who, body) in enumerate(thread):
        if writers[who] is None:
            continue
        with frozen_at(datetime.combine(day, time(9 + 2 * hour, 15))):
            discussion.post(initiative, writers[who], Thread.council, body)
        written += 1
    return written


def _conclude(initiative, text, users, day):
    with frozen_at(datetime.combine(day, time(14, 0))):
        discussion.save_conclusion(initiative, users["thuky"], text, send=True)
    with frozen_at(datetime.combine(day, time(16, 30))):
        discussion.approve_conclusion(initiative, users["chutich"])
