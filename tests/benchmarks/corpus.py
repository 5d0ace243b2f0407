"""Deterministic synthetic corpus of procuracy initiatives (sáng kiến).

The text is assembled from hand-written Vietnamese phrases of the procuracy's
work so that word frequencies look like the real thing: a few syllables
("kiểm", "sát", "án", "công") occur in almost every document, field-specific
terms in a tenth of them, names and places rarely. Same seed, same corpus.
"""

import random
from datetime import datetime, timedelta

SURNAMES = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
    "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trương", "Lương", "Đoàn",
    "Mai", "Tạ", "Châu", "Thái", "Tôn", "Cao", "Lâm", "Hà", "Kiều", "Quách",
]
MIDDLE_NAMES = [
    "Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Xuân", "Thu",
    "Hồng", "Kim", "Công", "Đình", "Bảo", "Phương", "Anh", "Hoài", "Trọng", "Như",
]
GIVEN_NAMES = [
    "An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hòa",
    "Hùng", "Hương", "Huy", "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Nga",
    "Ngân", "Nhung", "Phong", "Phúc", "Quân", "Quang", "Sơn", "Tâm", "Thảo", "Thắng",
    "Thành", "Thủy", "Tiến", "Trang", "Trí", "Trung", "Tú", "Tuấn", "Vân", "Việt",
    "Yến", "Đạt", "Định", "Lợi", "Nhân", "Oanh", "Phượng", "Sang", "Tín", "Uyên",
]

UNITS = [
    "Văn phòng VKSND thành phố Đà Nẵng",
    "Phòng 1 – Thực hành quyền công tố và kiểm sát điều tra án an ninh",
    "Phòng 2 – Thực hành quyền công tố và kiểm sát điều tra án trật tự xã hội",
    "Phòng 3 – Thực hành quyền công tố và kiểm sát điều tra án kinh tế, tham nhũng",
    "Phòng 4 – Kiểm sát tạm giữ, tạm giam và thi hành án hình sự",
    "Phòng 7 – Kiểm sát xét xử phúc thẩm án hình sự",
    "Phòng 9 – Kiểm sát giải quyết các vụ, việc dân sự, hôn nhân và gia đình",
    "Phòng 10 – Kiểm sát giải quyết vụ án hành chính, kinh doanh thương mại, lao động",
    "Phòng 11 – Kiểm sát thi hành án dân sự",
    "Phòng 12 – Kiểm sát và giải quyết đơn khiếu nại, tố cáo trong hoạt động tư pháp",
    "Phòng 15 – Thanh tra, khiếu tố",
    "Phòng Tổ chức cán bộ",
    "Phòng Thống kê tội phạm và Công nghệ thông tin",
    "VKSND quận Hải Châu",
    "VKSND quận Thanh Khê",
    "VKSND quận Sơn Trà",
    "VKSND quận Ngũ Hành Sơn",
    "VKSND quận Liên Chiểu",
    "VKSND quận Cẩm Lệ",
    "VKSND huyện Hòa Vang",
]

# Codes as the portal stores them; the names are the admin-editable list.
FIELDS = {
    "hinh_su": "Hình sự",
    "dan_su": "Dân sự",
    "hanh_chinh": "Hành chính",
    "kinh_doanh_thuong_mai": "Kinh doanh thương mại",
    "lao_dong": "Lao động",
    "thi_hanh_an": "Thi hành án",
    "cong_nghe_thong_tin": "Công nghệ thông tin",
    "to_chuc_can_bo": "Tổ chức cán bộ",
    "van_phong_tong_hop": "Văn phòng – tổng hợp",
    "khac": "Khác",
}
LEVELS = ["grassroots", "grassroots", "grassroots", "sector", "national"]
YEARS = list(range(2015, 2026))

# Noun phrases of each field of work: what an initiative is about.
TOPICS = {
    "hinh_su": [
        "kiểm sát điều tra vụ án hình sự", "thực hành quyền công tố", "bị can",
        "bị cáo", "người bị tạm giữ", "lệnh bắt tạm giam", "cáo trạng",
        "tin báo, tố giác về tội phạm", "kiến nghị khởi tố", "cơ quan cảnh sát điều tra",
        "quyết định phê chuẩn", "hồ sơ vụ án", "truy tố", "xét xử sơ thẩm",
        "phiên tòa rút kinh nghiệm", "tranh tụng tại phiên tòa", "bản luận tội",
        "đề cương xét hỏi", "vật chứng", "giám định tư pháp", "tội phạm ma túy",
        "tội phạm tham nhũng", "án kinh tế", "tội phạm công nghệ cao", "án trả hồ sơ",
        "yêu cầu điều tra", "đình chỉ vụ án", "người tham gia tố tụng", "lời khai",
        "đối chất", "thực nghiệm điều tra", "khám nghiệm hiện trường",
    ],
    "dan_su": [
        "vụ việc dân sự", "hôn nhân và gia đình", "tranh chấp đất đai",
        "hợp đồng vay tài sản", "thừa kế quyền sử dụng đất", "phiên hòa giải",
        "bản án sơ thẩm", "kháng nghị phúc thẩm", "thu thập chứng cứ",
        "quyền và nghĩa vụ của đương sự", "thụ lý vụ án", "thời hạn chuẩn bị xét xử",
        "phát biểu của kiểm sát viên", "tranh chấp hợp đồng", "yêu cầu độc lập",
        "biện pháp khẩn cấp tạm thời", "nuôi con chung", "chia tài sản chung",
    ],
    "hanh_chinh": [
        "vụ án hành chính", "quyết định hành chính", "khiếu kiện hành chính",
        "thu hồi đất", "bồi thường giải phóng mặt bằng", "người khởi kiện",
        "người bị kiện", "đối thoại", "thẩm quyền giải quyết", "cưỡng chế hành chính",
        "giấy chứng nhận quyền sử dụng đất", "xử phạt vi phạm hành chính",
    ],
    "kinh_doanh_thuong_mai": [
        "tranh chấp kinh doanh thương mại", "hợp đồng mua bán hàng hóa",
        "tín dụng ngân hàng", "phá sản doanh nghiệp", "hợp đồng bảo hiểm",
        "lãi suất quá hạn", "tài sản bảo đảm", "doanh nghiệp", "hóa đơn chứng từ",
    ],
    "lao_dong": [
        "tranh chấp lao động", "hợp đồng lao động", "kỷ luật sa thải",
        "bảo hiểm xã hội", "tiền lương", "người lao động", "người sử dụng lao động",
        "trợ cấp thôi việc", "tai nạn lao động",
    ],
    "thi_hanh_an": [
        "thi hành án dân sự", "thi hành án hình sự", "chấp hành viên",
        "cưỡng chế thi hành án", "kê biên tài sản", "hoãn thi hành án",
        "miễn giảm nghĩa vụ thi hành án", "người phải thi hành án",
        "người được thi hành án", "trại tạm giam", "nhà tạm giữ", "phạm nhân",
        "tha tù trước thời hạn có điều kiện", "giảm thời hạn chấp hành án phạt tù",
        "án treo", "cải tạo không giam giữ", "tạm giữ, tạm giam",
    ],
    "cong_nghe_thong_tin": [
        "công nghệ thông tin", "phần mềm quản lý án", "cơ sở dữ liệu",
        "chữ ký số", "hồ sơ điện tử", "số hóa hồ sơ", "trình chiếu chứng cứ",
        "hệ thống thống kê tội phạm", "mạng nội bộ", "phòng họp trực tuyến",
        "sao lưu dữ liệu", "an toàn thông tin", "bảng tính", "báo cáo tự động",
        "chuyển đổi số", "ứng dụng trên điện thoại", "trí tuệ nhân tạo",
        "văn bản điện tử", "cổng thông tin điện tử",
    ],
    "to_chuc_can_bo": [
        "công tác tổ chức cán bộ", "đào tạo, bồi dưỡng", "kiểm sát viên trẻ",
        "đánh giá công chức", "quy hoạch cán bộ", "luân chuyển cán bộ",
        "thi đua khen thưởng", "kỹ năng nghiệp vụ", "chức danh tư pháp",
        "kỷ luật công vụ", "văn hóa công sở",
    ],
    "van_phong_tong_hop": [
        "công tác văn phòng", "văn thư lưu trữ", "tổng hợp báo cáo",
        "quản lý văn bản đi, đến", "kế hoạch công tác", "chế độ thông tin báo cáo",
        "công tác hậu cần", "tài chính kế toán", "lịch công tác", "tiếp công dân",
    ],
    "khac": [
        "tuyên truyền pháp luật", "phổ biến giáo dục pháp luật", "công tác dân vận",
        "quan hệ phối hợp", "công tác đoàn thể", "xây dựng ngành",
        "hợp tác quốc tế", "phòng chống tham nhũng", "cải cách tư pháp",
    ],
}

# Phrases that any initiative uses, whatever its field.
COMMON_NP = [
    "Viện kiểm sát nhân dân", "kiểm sát viên", "kiểm tra viên", "lãnh đạo đơn vị",
    "công tác kiểm sát", "chất lượng công tác", "hiệu quả công tác", "nghiệp vụ",
    "quy chế phối hợp", "cơ quan tiến hành tố tụng", "Tòa án nhân dân", "Cơ quan điều tra",
    "hồ sơ", "biểu mẫu", "quy trình", "sổ theo dõi", "thời hạn tố tụng", "vi phạm",
    "kiến nghị", "kháng nghị", "văn bản hướng dẫn", "chỉ thị của Viện trưởng",
    "Bộ luật Tố tụng hình sự", "Bộ luật Hình sự", "Bộ luật Tố tụng dân sự",
    "Luật Tố tụng hành chính", "Luật Thi hành án dân sự", "Luật Tổ chức VKSND",
    "giải pháp", "sáng kiến", "đề tài", "chuyên đề", "kinh nghiệm", "thực tiễn",
    "thời gian", "chi phí", "sai sót", "tồn tại, hạn chế", "nguyên nhân", "kết quả",
    "số liệu thống kê", "tỷ lệ", "chỉ tiêu", "Nghị quyết của Quốc hội",
    "đơn vị", "cán bộ", "công chức", "người dân", "doanh nghiệp", "địa phương",
    "trách nhiệm công tố", "hoạt động tư pháp", "án tồn đọng", "án quá hạn",
]
VERBS = [
    "nâng cao", "đổi mới", "hoàn thiện", "rút ngắn", "tăng cường", "bảo đảm",
    "kiểm tra", "theo dõi", "quản lý", "phát hiện", "khắc phục", "hạn chế",
    "áp dụng", "triển khai", "tổng hợp", "đánh giá", "phối hợp", "hướng dẫn",
    "xây dựng", "số hóa", "chuẩn hóa", "thống nhất", "giảm", "tiết kiệm",
    "kịp thời phát hiện", "chủ động nắm", "tham mưu", "đề xuất",
]
ADVERBS = [
    "kịp thời", "chặt chẽ", "đúng pháp luật", "hiệu quả", "thống nhất",
    "nhanh chóng", "chính xác", "khách quan", "toàn diện", "thường xuyên",
    "có căn cứ", "đúng thời hạn", "công khai, minh bạch",
]
CONNECTORS = [
    "Trên cơ sở đó,", "Ngoài ra,", "Bên cạnh đó,", "Thực tế cho thấy,",
    "Qua theo dõi,", "Từ năm {year},", "Trong thời gian qua,", "Đặc biệt,",
    "Để khắc phục,", "Kết quả là,", "Mặt khác,", "Theo quy định,",
]
SENTENCES = [
    "{conn} {np} tại {unit_short} còn {problem}.",
    "Giải pháp {verb} {topic} bằng cách {verb2} {np2} {adv}.",
    "{conn} đơn vị đã {verb} {topic} và {verb2} {np} {adv}.",
    "Sáng kiến giúp {verb} {np} trong {topic}, {verb2} {np2}.",
    "Kiểm sát viên {verb} {topic} {adv}, bảo đảm {np2} đúng quy định.",
    "{conn} việc {verb} {np} đã giúp giảm {number} phần trăm {np2}.",
    "Áp dụng từ {month} năm {year}, giải pháp đã được dùng cho {number} {topic}.",
    "Nội dung chính gồm {number} bước: {verb} {np}, {verb2} {topic}, {verb3} {np2}.",
    "Điều kiện áp dụng là {np} được {verb} {adv} và có {np2}.",
    "Hiệu quả đạt được là {topic} được {verb} {adv}, không để xảy ra {problem2}.",
    "{conn} {topic} liên quan đến {np} cần được {verb} {adv}.",
    "Theo {law}, {np} phải {verb} {topic} {adv}.",
    "Lãnh đạo Viện đã chỉ đạo {verb} {topic} trong toàn đơn vị.",
    "Thực trạng trước đây là {np} phải {verb} thủ công, mất nhiều thời gian.",
    "{conn} tỷ lệ {topic} được {verb} {adv} đạt {number} phần trăm.",
    "Sáng kiến có thể nhân rộng cho các Viện kiểm sát hai cấp.",
]
PROBLEMS = [
    "nhiều sai sót", "chậm trễ", "chưa thống nhất", "thiếu sót về thủ tục",
    "vi phạm thời hạn", "chồng chéo", "tốn nhiều công sức", "khó tra cứu",
    "chưa được cập nhật kịp thời", "bỏ lọt tội phạm", "oan sai", "án bị hủy, sửa",
]
LAWS = [
    "Bộ luật Tố tụng hình sự năm 2015", "Bộ luật Tố tụng dân sự năm 2015",
    "Luật Tố tụng hành chính năm 2015", "Luật Tổ chức Viện kiểm sát nhân dân năm 2014",
    "Luật Thi hành án dân sự", "Luật Thi hành án hình sự năm 2019",
    "Thông tư liên tịch số 01/2017", "Quy chế công tác kiểm sát",
]
TITLES = [
    "Giải pháp nâng cao chất lượng {topic}",
    "Nâng cao hiệu quả {topic} tại {unit_short}",
    "Ứng dụng công nghệ thông tin trong {topic}",
    "Xây dựng quy trình {verb} {topic}",
    "Kinh nghiệm {verb} {topic} trong giai đoạn hiện nay",
    "Một số giải pháp {verb} {topic}",
    "Đổi mới phương pháp {topic} gắn với cải cách tư pháp",
    "Sổ tay điện tử hỗ trợ {topic}",
    "Phần mềm theo dõi {topic}",
    "Biểu mẫu thống nhất cho {topic}",
]
SUMMARIES = [
    "Sáng kiến đề xuất cách {verb} {topic}, giúp {verb2} {np} {adv}.",
    "Giải pháp {verb} {topic} tại {unit_short}, đã áp dụng từ năm {year}.",
    "Đề tài tổng kết kinh nghiệm {topic} và đề xuất {verb} {np}.",
    "Chuyên đề phân tích {problem} trong {topic} và cách {verb} {np2}.",
]
MONTHS = ["tháng 1", "tháng 3", "tháng 5", "tháng 6", "tháng 8", "tháng 9", "tháng 11"]


def _unit_short(unit: str) -> str:
    return unit.split(" – ")[0]


def person(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_NAMES)} {rng.choice(GIVEN_NAMES)}"


def _fill(template: str, rng: random.Random, field: str, unit: str, year: int) -> str:
    topics = TOPICS[field]
    # A little cross-field vocabulary, as real initiatives touch neighbours.
    pick_topic = lambda: rng.choice(topics if rng.random() < 0.8 else TOPICS[rng.choice(list(TOPICS))])  # noqa: E731
    text = template.format(
        conn=rng.choice(CONNECTORS).format(year=year - rng.randint(0, 3)),
        np=rng.choice(COMMON_NP), np2=rng.choice(COMMON_NP),
        topic=pick_topic(), verb=rng.choice(VERBS), verb2=rng.choice(VERBS),
        verb3=rng.choice(VERBS), adv=rng.choice(ADVERBS),
        problem=rng.choice(PROBLEMS), problem2=rng.choice(PROBLEMS),
        unit_short=_unit_short(unit), number=rng.randint(2, 95),
        month=rng.choice(MONTHS), year=year - rng.randint(0, 2), law=rng.choice(LAWS),
    )
    return text[0].upper() + text[1:]


def make_doc(doc_id: int, rng: random.Random, words: int = 300) -> dict:
    field = rng.choice(list(FIELDS))
    unit = rng.choice(UNITS)
    year = rng.choice(YEARS)
    title = _fill(rng.choice(TITLES), rng, field, unit, year)
    summary = " ".join(_fill(rng.choice(SUMMARIES), rng, field, unit, year) for _ in range(2))
    sentences, count = [], 0
    while count < words:
        sentence = _fill(rng.choice(SENTENCES), rng, field, unit, year)
        sentences.append(sentence)
        count += len(sentence.split())
    # Paragraphs of about five sentences, as in a real write-up.
    body = "\n\n".join(" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5))
    published = datetime(year, 1, 1) + timedelta(days=rng.randint(30, 360), minutes=doc_id)
    return {
        "id": doc_id,
        "title": title,
        "summary": summary,
        "authors": [person(rng) for _ in range(rng.choice([1, 1, 2, 2, 3]))],
        "body": body,
        "year": year,
        "field": field,
        "level": rng.choice(LEVELS),
        "unit": unit,
        "published_at": published,
    }


def generate(n_docs: int, seed: int = 2021, words: int = 300) -> list[dict]:
    """``n_docs`` initiatives with ids 1..n_docs, identical for the same seed."""
    rng = random.Random(seed)
    return [make_doc(i, rng, words) for i in range(1, n_docs + 1)]
