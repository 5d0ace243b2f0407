"""Demo of the council's work in every demo year, made through the real operations.

Each year has initiatives at every step: waiting for screening, in appraisal
with partial and with complete scores, recognised (some proposed to and
recognised by the Supreme People's Procuracy, one with nationwide effect),
rejected, and returned for revision after review. The ids of the recognised
ones go into ctx["recognized"] for the publishing demo.
"""
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from portal.core.timeutil import frozen_at
from portal.core.timeutil import today as today_in_portal
from portal.council import operations
from portal.council.services import rubric_for
from portal.extensions import db
from portal.initiatives import operations as submission
from portal.initiatives.models import Field, Form, Initiative, InitiativeAuthor
from portal.initiatives.workflow import Level

REVIEWER_POOL = ["hoidong1", "hoidong2", "hoidong3", "hoidong4", "phochutich"]

# title, field, form, authors [(username, share)], summary, current state, solution, conditions, benefits
CATALOGUE = [
    ("Ứng dụng sơ đồ tư duy trong nghiên cứu hồ sơ vụ án ma túy có nhiều bị can",
     "criminal", Form.solution, [("ksv.hung", 70), ("ksv.linh", 30)],
     "Lập sơ đồ tư duy các mối quan hệ giữa bị can, vật chứng và lời khai để Kiểm sát viên nắm chắc "
     "hồ sơ, phát hiện mâu thuẫn sớm.",
     "Các vụ án ma túy có từ 5 bị can trở lên có hàng nghìn bút lục; việc trích cứu thủ công dễ bỏ sót "
     "mâu thuẫn giữa các lời khai, nhất là về số lần mua bán và khối lượng.",
     "- Mỗi bị can là một nhánh, ghi rõ các lần giao dịch, số lượng, thời gian, địa điểm.\n"
     "- Đối chiếu chéo lời khai với kết quả giám định, dữ liệu điện thoại.\n"
     "- Đánh dấu màu các điểm mâu thuẫn để yêu cầu Cơ quan điều tra làm rõ.",
     "Kiểm sát viên được tập huấn 1 buổi; dùng phần mềm sơ đồ tư duy miễn phí trên máy tính cơ quan.",
     "Áp dụng tại Phòng 1 từ tháng 3: 12 vụ án, phát hiện 27 mâu thuẫn, 4 lần yêu cầu điều tra bổ sung "
     "có kết quả; thời gian nghiên cứu hồ sơ giảm khoảng 30%."),
    ("Bảng theo dõi thời hạn tạm giữ, tạm giam trên bảng tính dùng chung",
     "criminal", Form.solution, [("ksv.quang", 100)],
     "Một bảng tính dùng chung tự tô màu các trường hợp sắp hết thời hạn tạm giữ, tạm giam để nhắc "
     "Kiểm sát viên.",
     "Việc theo dõi thời hạn bằng sổ tay khiến có trường hợp phát hiện chậm khi thời hạn chỉ còn 1–2 ngày.",
     "Mỗi người bị tạm giữ, tạm giam là một dòng; công thức tính ngày hết hạn, tô đỏ khi còn dưới 5 ngày; "
     "lãnh đạo Phòng xem tổng hợp hằng tuần.",
     "Mạng nội bộ của cơ quan; một cán bộ cập nhật hằng ngày.",
     "Không còn trường hợp quá hạn hoặc phát hiện chậm trong 9 tháng áp dụng."),
    ("Quy trình kiểm sát hòa giải vụ việc hôn nhân gia đình tại Tòa án cấp huyện",
     "civil", Form.solution, [("ksv.mai", 60), ("ksv.thao", 40)],
     "Chuẩn hóa các bước kiểm sát biên bản hòa giải, quyết định công nhận thuận tình ly hôn.",
     "Nhiều quyết định công nhận thuận tình ly hôn có sai sót về chia tài sản, nuôi con nhưng phát hiện "
     "muộn, hết thời hạn kháng nghị.",
     "Lập phiếu kiểm sát 12 nội dung bắt buộc; phân công Kiểm sát viên nhận quyết định trong 2 ngày làm việc; "
     "trao đổi với Thẩm phán trước khi ban hành kiến nghị.",
     "Áp dụng tại VKSND các quận, huyện; cần sự phối hợp của Tòa án cùng cấp.",
     "Phát hiện 9 vi phạm, ban hành 2 kiến nghị được Tòa án tiếp thu."),
    ("Chuyên đề kỹ năng kiểm sát việc áp dụng biện pháp khẩn cấp tạm thời trong án dân sự",
     "civil", Form.thematic, [("ksv.mai", 100)],
     "Tổng hợp các vi phạm thường gặp khi Tòa án áp dụng biện pháp khẩn cấp tạm thời và kỹ năng phát hiện.",
     "Biện pháp khẩn cấp tạm thời áp dụng ngày càng nhiều nhưng Kiểm sát viên ít kinh nghiệm kiểm sát.",
     "Phân tích 35 quyết định áp dụng biện pháp khẩn cấp tạm thời; rút ra 6 dạng vi phạm và cách kiểm sát "
     "từng dạng; kèm mẫu kiến nghị.",
     "Dùng làm tài liệu sinh hoạt chuyên đề của các Phòng nghiệp vụ dân sự.",
     "Được dùng trong 2 buổi sinh hoạt chuyên đề toàn ngành thành phố."),
    ("Mẫu biên bản kiểm sát trực tiếp nhà tạm giữ theo tiêu chí rủi ro",
     "enforcement", Form.solution, [("ksv.dung", 100)],
     "Thiết kế lại biên bản kiểm sát trực tiếp nhà tạm giữ theo các nhóm rủi ro (chế độ ăn, khám chữa bệnh, "
     "an ninh, thời hạn).",
     "Biên bản cũ liệt kê dàn trải, khó so sánh giữa các lần kiểm sát.",
     "Bốn nhóm rủi ro, mỗi nhóm có các câu hỏi kiểm tra có/không; phần kết luận tự tổng hợp số vi phạm.",
     "Áp dụng cho các đợt kiểm sát định kỳ và đột xuất.",
     "Rút ngắn thời gian lập biên bản còn một nửa; số vi phạm phát hiện tăng 40%."),
    ("Sổ tay nghiệp vụ kiểm sát thi hành án dân sự dành cho Kiểm tra viên mới",
     "enforcement", Form.thematic, [("ksv.nam", 100)],
     "Sổ tay 60 trang tóm tắt các quy định và tình huống thường gặp trong kiểm sát thi hành án dân sự.",
     "Kiểm tra viên mới mất nhiều thời gian tra cứu, dễ bỏ sót thời hạn.",
     "Hệ thống hóa 40 tình huống, mỗi tình huống có căn cứ pháp lý và việc cần làm.",
     "In phát cho Kiểm tra viên; có bản điện tử trên mạng nội bộ.",
     "5 Kiểm tra viên mới sử dụng; giảm sai sót về thời hạn trong hồ sơ kiểm sát."),
    ("Phần mềm nhắc thời hạn tố tụng án hình sự trên mạng nội bộ",
     "it", Form.solution, [("ksv.phuc", 60), ("ksv.trang", 40)],
     "Ứng dụng nhỏ trên mạng nội bộ nhắc thời hạn điều tra, truy tố, xét xử qua thư điện tử.",
     "Thời hạn tố tụng được theo dõi thủ công trên sổ thụ lý.",
     "Nhập thông tin vụ án một lần; hệ thống tự tính các thời hạn và gửi thư nhắc trước 7 ngày, 3 ngày.",
     "Máy chủ nội bộ sẵn có; cán bộ văn phòng nhập liệu.",
     "Áp dụng tại VKSND quận Cẩm Lệ: 100% thời hạn được nhắc đúng hạn, không còn vi phạm thời hạn."),
    ("Số hóa hồ sơ kiểm sát bằng mã QR gắn trên bìa hồ sơ",
     "it", Form.project, [("ksv.trang", 50), ("ksv.phuc", 50)],
     "Gắn mã QR lên bìa hồ sơ kiểm sát để tra cứu nhanh vị trí lưu trữ và tình trạng giải quyết.",
     "Việc tìm hồ sơ trong kho lưu trữ mất nhiều thời gian, có lúc thất lạc tạm thời.",
     "Mỗi hồ sơ có một mã QR; quét bằng điện thoại để biết ngăn lưu trữ, người đang mượn, lịch sử luân chuyển.",
     "Máy in nhãn; điện thoại có camera; cơ sở dữ liệu nội bộ.",
     "Thời gian tìm hồ sơ giảm từ khoảng 20 phút xuống dưới 3 phút."),
    ("Bảng kiểm vi phạm thường gặp trong án hành chính về đất đai",
     "administrative", Form.solution, [("ksv.hoa", 100)],
     "Bảng kiểm 25 vi phạm thường gặp giúp Kiểm sát viên nghiên cứu hồ sơ án hành chính về đất đai.",
     "Án hành chính về đất đai phức tạp, quy định thay đổi nhiều qua các thời kỳ.",
     "Mỗi vi phạm có căn cứ pháp luật theo từng thời kỳ và gợi ý nội dung kháng nghị, kiến nghị.",
     "Dùng trong nghiên cứu hồ sơ và chuẩn bị phát biểu tại phiên tòa.",
     "Giúp phát hiện 6 vi phạm, 2 kháng nghị phúc thẩm được chấp nhận."),
    ("Giải pháp phối hợp với Cơ quan điều tra trong thu thập dữ liệu điện tử án ma túy",
     "criminal", Form.solution, [("ksv.thao", 100)],
     "Quy chế phối hợp thu giữ, trích xuất dữ liệu điện thoại ngay từ giai đoạn đầu của vụ án ma túy.",
     "Dữ liệu điện tử thường được thu thập muộn, bị xóa hoặc không đủ căn cứ chứng minh.",
     "Kiểm sát viên tham gia từ khi thu giữ; thống nhất danh mục dữ liệu cần trích xuất và mẫu biên bản.",
     "Cần ký quy chế phối hợp với Cơ quan Cảnh sát điều tra cấp quận.",
     "Tỷ lệ vụ án có chứng cứ điện tử hợp lệ tăng từ 40% lên 85%."),
    ("Đề án số hóa hồ sơ kiểm sát thi hành án dân sự",
     "enforcement", Form.project, [("ksv.nam", 70), ("ksv.quang", 30)],
     "Số hóa toàn bộ hồ sơ kiểm sát thi hành án dân sự, tra cứu theo đương sự, quyết định, thời hạn.",
     "Hồ sơ giấy khó tra cứu, khó tổng hợp số liệu báo cáo.",
     "Quét hồ sơ, gắn siêu dữ liệu, xây dựng danh mục tra cứu và báo cáo tự động theo kỳ.",
     "Máy quét, máy chủ nội bộ, 2 cán bộ trong 6 tháng đầu.",
     "Số liệu báo cáo được tổng hợp tự động; thời gian lập báo cáo giảm 70%."),
    ("Mô hình Viện kiểm sát huyện điện tử: quản lý án và thời hạn tố tụng",
     "it", Form.project, [("ksv.son", 100)],
     "Quản lý toàn bộ án, việc của VKSND huyện trên môi trường điện tử, kết nối với phần mềm của Ngành.",
     "Quản lý án bằng sổ sách, nhiều đầu mối, khó kiểm tra tiến độ.",
     "Chuẩn hóa quy trình nhận, phân công, theo dõi, báo cáo án trên một hệ thống thống nhất.",
     "Hạ tầng mạng nội bộ và sự chỉ đạo của lãnh đạo Viện.",
     "Được VKSND tối cao đánh giá cao và giới thiệu nhân rộng."),
    ("Hướng dẫn xây dựng đề cương xét hỏi tại phiên tòa hình sự sơ thẩm",
     "criminal", Form.thematic, [("ksv.linh", 70), ("hoidong3", 30)],
     "Mẫu và hướng dẫn xây dựng đề cương xét hỏi theo từng nhóm tội phạm thường gặp.",
     "Kiểm sát viên trẻ còn lúng túng khi xét hỏi, đề cương dàn trải.",
     "Hướng dẫn theo 5 nhóm tội; mỗi nhóm có câu hỏi bắt buộc và tình huống thay đổi lời khai.",
     "Dùng cho Kiểm sát viên thực hành quyền công tố tại phiên tòa.",
     "Chất lượng xét hỏi được Hội đồng xét xử và luật sư đánh giá tốt hơn."),
    ("Quy chế phối hợp liên ngành trong giải quyết án trọng điểm ở huyện",
     "criminal", Form.solution, [("ksv.son", 100)],
     "Quy chế phối hợp giữa Công an, Viện kiểm sát, Tòa án huyện trong các vụ án trọng điểm.",
     "Các cơ quan tố tụng phối hợp chưa chặt chẽ, án trọng điểm kéo dài.",
     "Họp liên ngành định kỳ, phân công đầu mối, thống nhất thời hạn từng giai đoạn.",
     "Sự đồng thuận của lãnh đạo các cơ quan tố tụng huyện.",
     "Các vụ án trọng điểm được giải quyết đúng hạn."),
    ("Tài liệu hỏi đáp pháp luật về thi hành án hình sự cho phạm nhân sắp chấp hành xong án",
     "enforcement", Form.thematic, [("ksv.quang", 100)],
     "Tài liệu hỏi đáp ngắn gọn về quyền, nghĩa vụ của người chấp hành xong án phạt tù.",
     "Nhiều người chấp hành xong án chưa nắm thủ tục xóa án tích, hòa nhập cộng đồng.",
     "40 câu hỏi đáp, phát tại trại tạm giam trước khi trả tự do.",
     "Phối hợp với trại tạm giam Công an thành phố.",
     "Phát cho 120 người; được đánh giá thiết thực."),
    ("Kỹ năng kiểm sát biên bản phiên hòa giải trong tranh chấp lao động",
     "labour", Form.thematic, [("ksv.hoa", 60), ("ksv.yen", 40)],
     "Tổng hợp kỹ năng kiểm sát biên bản phiên hòa giải trong các vụ tranh chấp lao động.",
     "Án lao động ít, Kiểm sát viên ít có dịp tích lũy kinh nghiệm.",
     "Phân tích 18 vụ án, chỉ ra 7 sai sót thường gặp và cách phát hiện.",
     "Tài liệu tham khảo nội bộ.",
     "Dùng trong tập huấn Kiểm sát viên mới."),
    ("Mẫu báo cáo tổng hợp công tác kiểm sát theo tháng tự động từ sổ thụ lý điện tử",
     "office", Form.solution, [("ksv.trang", 100)],
     "Báo cáo tháng được tạo tự động từ sổ thụ lý điện tử theo đúng biểu mẫu của Ngành.",
     "Văn phòng tổng hợp báo cáo thủ công từ các Phòng, mất 3–4 ngày mỗi tháng.",
     "Chuẩn hóa sổ thụ lý điện tử, viết công thức tổng hợp theo biểu mẫu, kiểm tra chéo số liệu.",
     "Các Phòng cập nhật sổ thụ lý đúng hạn.",
     "Thời gian tổng hợp báo cáo còn nửa ngày."),
    ("Chuyên đề nâng cao chất lượng kiến nghị phòng ngừa vi phạm trong án kinh tế",
     "commercial", Form.thematic, [("ksv.yen", 100)],
     "Phân tích các kiến nghị phòng ngừa đã ban hành và đề xuất cách nâng cao chất lượng.",
     "Nhiều kiến nghị phòng ngừa chung chung, ít được tiếp thu.",
     "Đánh giá 30 kiến nghị, đề xuất cấu trúc kiến nghị gồm nguyên nhân, điều kiện, giải pháp cụ thể.",
     "Áp dụng cho các Phòng nghiệp vụ và VKSND cấp huyện.",
     "Tỷ lệ kiến nghị được tiếp thu tăng."),
    ("Cẩm nang trả lời đơn khiếu nại, tố cáo trong hoạt động tư pháp",
     "office", Form.thematic, [("ksv.lan", 100)],
     "Tập hợp mẫu văn bản trả lời đơn khiếu nại, tố cáo thường gặp.",
     "Văn bản trả lời đơn chưa thống nhất về hình thức và căn cứ.",
     "20 mẫu văn bản kèm hướng dẫn căn cứ pháp lý.",
     "Dùng tại bộ phận tiếp dân và các Phòng nghiệp vụ.",
     "Thống nhất hình thức văn bản trả lời đơn trong toàn đơn vị."),
]

# What happens to each catalogue entry in each year: (year offset from this year, index, fate).
# Fates: submitted, partial (in appraisal, one sheet in), drafts (in appraisal, drafts only),
# complete (all sheets in, awaiting the decision), recognized, sector_proposed, sector, national,
# rejected, returned.
PLAN = [
    (0, 0, "complete"), (0, 1, "partial"), (0, 2, "drafts"), (0, 3, "submitted"), (0, 16, "recognized"),
    (0, 8, "sector_proposed"), (0, 15, "rejected"), (0, 4, "returned"), (0, 9, "recognized"),
    (-1, 6, "sector"), (-1, 5, "recognized"), (-1, 13, "recognized"), (-1, 14, "rejected"),
    (-1, 7, "returned"), (-1, 17, "recognized"),
    (-2, 11, "national"), (-2, 10, "sector"), (-2, 12, "recognized"), (-2, 18, "rejected"),
]

STRONG = [({"novelty": 27, "applicability": 26, "effectiveness": 35}, "pass"),
          ({"novelty": 25, "applicability": 27, "effectiveness": 33}, "pass"),
          ({"novelty": 26, "applicability": 25, "effectiveness": 36}, "pass")]
GOOD = [({"novelty": 20, "applicability": 22, "effectiveness": 28}, "pass"),
        ({"novelty": 18, "applicability": 20, "effectiveness": 25}, "pass"),
        ({"novelty": 15, "applicability": 18, "effectiveness": 22}, "fail")]
WEAK = [({"novelty": 8, "applicability": 12, "effectiveness": 15}, "fail"),
        ({"novelty": 0, "applicability": 15, "effectiveness": 18}, "fail"),
        ({"novelty": 12, "applicability": 14, "effectiveness": 20}, "pass")]
MIXED = [({"novelty": 16, "applicability": 15, "effectiveness": 20}, "pass"),
         ({"novelty": 12, "applicability": 16, "effectiveness": 18}, "fail"),
         ({"novelty": 14, "applicability": 15, "effectiveness": 19}, "fail")]
COMMENTS = {
    "novelty": ["Cách làm mới tại đơn vị, chưa thấy sáng kiến tương tự.",
                "Có điểm mới so với cách làm hiện hành.",
                "Cần làm rõ điểm khác biệt với hướng dẫn đã có."],
    "applicability": ["Có thể nhân rộng ra các đơn vị cùng lĩnh vực.",
                      "Điều kiện áp dụng đơn giản, chi phí thấp.",
                      "Khả năng áp dụng phụ thuộc vào sự phối hợp liên ngành."],
    "effectiveness": ["Hiệu quả được chứng minh bằng số liệu cụ thể.",
                      "Cần bổ sung số liệu so sánh trước và sau khi áp dụng.",
                      "Hiệu quả rõ trong công tác kiểm sát."],
}


def _field_ids():
    return {f.code: f.id for f in db.session.execute(select(Field)).scalars()}


def _at(day):
    return datetime.combine(day, time(9, 0))


def seed(ctx):
    users, this_year = ctx["users"], ctx["this_year"]
    if "thuky" not in users or "chutich" not in users:
        return {}
    secretary, chair = users["thuky"], users["chutich"]
    fields = _field_ids()
    today = today_in_portal()
    recognized = ctx.setdefault("recognized", [])
    counts = {"council initiatives": 0, "council reviews": 0, "council decisions": 0}
    decision_numbers = {}

    for offset, index, fate in PLAN:
        year = this_year + offset
        if year not in ctx["years"]:
            continue
        rubric_for(year)
        title, field, form, authors, summary, current, solution, conditions, benefits = CATALOGUE[index]
        first = users[authors[0][0]]
        initiative = Initiative(
            title=title, field_id=fields.get(field), form=form, year=year, unit_id=first.unit_id,
            requested_level=Level.sector if fate in ("sector", "national") else Level.grassroots,
            # one in seven was first applied more than a year before: the queue flags it
            first_applied_on=date(year - 2, 3, 1) if index % 7 == 3 else min(date(year, 2 + index % 4, 10), today),
            summary=summary, current_state=current, solution=solution, conditions=conditions,
            benefits=benefits, created_by_id=first.id,
            authors=[InitiativeAuthor(user_id=users[u].id, share=s, position=i)
                     for i, (u, s) in enumerate(authors)],
        )
        db.session.add(initiative)
        db.session.flush()
        counts["council initiatives"] += 1
        # The history happens at its own times: filed, accepted and scored before the decision.
        decided_on = date(year, 11, 20) if offset < 0 else max(date(year, 1, 10), today - timedelta(days=12))
        filed_on = date(year, 8, 15) if offset < 0 else min(decided_on, today) - timedelta(days=30)
        with frozen_at(_at(filed_on)):
            submission.submit(initiative, first)
        if fate == "submitted":
            continue
        with frozen_at(_at(filed_on + timedelta(days=5))):
            _appraise(initiative, fate, index, users, secretary, today if offset == 0 else decided_on, counts)
        if fate in ("complete", "partial", "drafts"):
            continue
        number = decision_numbers.setdefault(year, f"{40 + year % 10}/QĐ-VKS")
        with frozen_at(_at(decided_on)):
            if fate == "returned":
                operations.decide(initiative, chair, "returned",
                                  reason="Bổ sung số liệu so sánh trước và sau khi áp dụng; làm rõ điểm mới so "
                                         "với hướng dẫn nghiệp vụ hiện hành.")
            elif fate == "rejected":
                operations.decide(initiative, chair, "rejected", decision_no=number, decision_date=decided_on)
            else:
                operations.decide(initiative, chair, "recognized", decision_no=number, decision_date=decided_on)
                recognized.append(initiative.id)
                if fate in ("sector_proposed", "sector", "national"):
                    operations.record_sector(initiative, secretary, "proposed")
        if fate in ("sector", "national"):
            sector_on = min(date(year + 1, 4, 15), today)
            with frozen_at(_at(sector_on)):
                operations.record_sector(initiative, secretary, "recognized", f"{180 + index}/QĐ-VKSTC", sector_on)
        if fate == "national":
            national_on = min(date(year + 1, 9, 2), today)
            with frozen_at(_at(national_on)):
                operations.record_national(initiative, secretary, "proposed")
                operations.record_national(initiative, secretary, "recognized", f"{1200 + index}/QĐ-TTg",
                                           national_on)
        counts["council decisions"] += 1
    db.session.flush()
    counts["council recognized"] = len(recognized)
    return counts


def _appraise(initiative, fate, index, users, secretary, today, counts):
    """Accept, assign and score one initiative as its fate says."""
    operations.accept(initiative, secretary)
    author_ids = initiative.author_user_ids()
    pool = [users[u] for u in REVIEWER_POOL if users[u].id not in author_ids]
    start = index % len(pool)
    reviewers = (pool[start:] + pool[:start])[:3]
    if fate == "returned":
        sheets = MIXED
    elif fate == "rejected":
        sheets = WEAK
    elif fate in ("sector", "sector_proposed", "national"):
        sheets = STRONG
    else:
        sheets = GOOD
    if fate == "complete" and len(pool) > 3:
        # a recusal, and the secretary assigns the next member instead
        operations.assign(initiative, secretary, reviewers[0])
        operations.recuse(initiative, reviewers[0],
                          "Từng trực tiếp hướng dẫn tác giả xây dựng giải pháp này.")
        reviewers = reviewers[1:] + [pool[(start + 3) % len(pool)]]
    for reviewer in reviewers:
        due = today + timedelta(days=2) if fate == "partial" else None  # `flask remind` has work
        operations.assign(initiative, secretary, reviewer, due_on=due)
    for position, (reviewer, (scores, recommendation)) in enumerate(zip(reviewers, sheets, strict=True)):
        comments = {code: texts[(index + position) % 3] for code, texts in COMMENTS.items()}
        # a little spread between initiatives that share a sheet pattern
        scores = {**scores, "effectiveness": scores["effectiveness"] + (index + position) % 4 - 1}
        fields_ = {"scores": scores, "recommendation": recommendation, "comments": comments,
                   "overall_comment": "Đề nghị Hội đồng công nhận." if recommendation == "pass"
                   else "Chưa đủ điều kiện công nhận."}
        if fate == "drafts" or (fate == "partial" and position > 0):
            if fate == "drafts" or position == 1:
                operations.save_review(initiative, reviewer, **{**fields_, "recommendation": None})
            continue
        operations.submit_review(initiative, reviewer, **fields_)
        counts["council reviews"] += 1
