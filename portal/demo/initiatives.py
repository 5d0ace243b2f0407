"""Demo initiatives of the staff, made through the real operations (drafts, submissions,
returns by the secretary and resubmissions, withdrawals) over the three demo years.

The council's demo adds its own initiatives in the later states (in appraisal,
recognised, rejected); these stay in the states this area produces.
"""
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from portal.core.timeutil import today as today_in_portal
from portal.core.timeutil import utcnow
from portal.council.operations import return_to_authors
from portal.extensions import db
from portal.initiatives import authorship, operations
from portal.initiatives.models import Field
from portal.initiatives.workflow import Status

# Each topic: what a Kiểm sát viên would write in the official application.
TOPICS = [
    {
        "key": "e-evidence",
        "title": "Quy trình kiểm sát việc thu thập chứng cứ điện tử trong vụ án lừa đảo chiếm đoạt tài sản qua mạng",
        "field": "criminal", "form": "solution", "unit": "P1", "month": 3,
        "authors": [("ksv.hung", 60), ("Nguyễn Văn Tâm", "Phòng An ninh mạng và phòng, chống tội phạm sử dụng "
                                      "công nghệ cao, Công an thành phố Đà Nẵng", 40)],
        "summary": "Quy trình 5 bước giúp Kiểm sát viên kiểm sát ngay từ đầu việc thu giữ, sao lưu, giám định "
                   "dữ liệu điện tử, bảo đảm chứng cứ điện tử được Tòa án chấp nhận.",
        "problem": [
            "Số vụ lừa đảo chiếm đoạt tài sản qua mạng trên địa bàn thành phố tăng nhanh, chứng cứ chủ yếu là "
            "dữ liệu điện tử: tin nhắn, lịch sử giao dịch ngân hàng, tài khoản mạng xã hội.",
            "Việc thu giữ thiết bị, trích xuất dữ liệu nhiều lúc chưa đúng trình tự của Bộ luật Tố tụng hình sự; "
            "khi đến giai đoạn truy tố mới phát hiện thì dữ liệu gốc đã không còn nguyên vẹn.",
        ],
        "limits": ["Biên bản thu giữ không ghi mã băm (hash) của dữ liệu sao lưu.",
                   "Thiết bị thu giữ không được niêm phong đúng quy định.",
                   "Yêu cầu giám định chậm, dữ liệu trên máy chủ nước ngoài bị xóa."],
        "idea": "Kiểm sát viên tham gia từ khi tiếp nhận nguồn tin, dùng một bảng kiểm thống nhất cho từng "
                "loại dữ liệu và trao đổi trực tiếp với Điều tra viên trước mỗi hoạt động thu giữ.",
        "steps": ["Khi phân công, lập danh mục dữ liệu điện tử cần thu thập theo từng hành vi.",
                  "Đề nghị Cơ quan điều tra phong tỏa, sao lưu dữ liệu trong 24 giờ đầu.",
                  "Kiểm sát biên bản thu giữ theo bảng kiểm 14 tiêu chí (niêm phong, mã băm, người chứng kiến).",
                  "Yêu cầu trưng cầu giám định ngay khi thiết bị được thu giữ.",
                  "Trước khi kết thúc điều tra, đối chiếu kết luận giám định với lời khai và sao kê ngân hàng."],
        "novelty": "Lần đầu có bảng kiểm riêng cho chứng cứ điện tử, dùng chung cho Viện kiểm sát và Cơ quan điều tra.",
        "conditions": ["Kiểm sát viên được tập huấn kiến thức cơ bản về dữ liệu điện tử (1 buổi).",
                       "Quy chế phối hợp với Cơ quan điều tra Công an thành phố."],
        "benefits": ["Áp dụng thử cho 18 vụ án: không có vụ nào bị trả hồ sơ vì lý do chứng cứ điện tử; "
                     "thời gian điều tra trung bình giảm 20 ngày.",
                     "Tòa án chấp nhận toàn bộ chứng cứ điện tử do Viện kiểm sát đưa ra tại phiên tòa."],
        "revision": ("benefits", "Số liệu so sánh: năm trước có 5/21 vụ phải điều tra bổ sung vì chứng cứ "
                                 "điện tử; sau khi áp dụng còn 0/18 vụ."),
    },
    {
        "key": "mock-trial",
        "title": "Mô hình phiên tòa rút kinh nghiệm trực tuyến nâng cao kỹ năng tranh tụng của Kiểm sát viên",
        "field": "criminal", "form": "solution", "unit": "P7", "month": 2,
        "authors": [("ksv.linh", 70), ("hoidong3", 30)],
        "summary": "Truyền hình ảnh phiên tòa rút kinh nghiệm đến các VKSND quận, huyện qua hệ thống trực tuyến "
                   "để Kiểm sát viên cả hai cấp cùng theo dõi và góp ý kỹ năng tranh tụng.",
        "problem": ["Mỗi năm chỉ tổ chức được vài phiên tòa rút kinh nghiệm, số Kiểm sát viên dự trực tiếp ít.",
                    "Kiểm sát viên ở các huyện xa ít có cơ hội học hỏi kỹ năng xét hỏi, đối đáp."],
        "limits": ["Việc đi lại tốn thời gian, ảnh hưởng công việc chuyên môn.",
                   "Nhận xét sau phiên tòa chỉ ghi trong biên bản, ít được phổ biến."],
        "idea": "Dùng hệ thống họp trực tuyến sẵn có của ngành để truyền phiên tòa, sau đó tổ chức nhận xét "
                "trực tuyến theo phiếu đánh giá kỹ năng thống nhất.",
        "steps": ["Chọn vụ án điển hình, xin ý kiến Tòa án về việc truyền hình ảnh.",
                  "Thông báo lịch và phát phiếu đánh giá 10 kỹ năng cho các đơn vị.",
                  "Tổ chức nhận xét trực tuyến ngay sau phiên tòa; tổng hợp thành bài học kinh nghiệm."],
        "novelty": "Biến phiên tòa rút kinh nghiệm từ hoạt động của một đơn vị thành buổi học chung của cả hai cấp.",
        "conditions": ["Đường truyền hội nghị trực tuyến của ngành.", "Sự đồng ý của Hội đồng xét xử."],
        "benefits": ["6 phiên tòa trực tuyến với 142 lượt Kiểm sát viên theo dõi.",
                     "Điểm đánh giá kỹ năng tranh tụng trung bình tăng từ 7,1 lên 8,3."],
        "revision": ("conditions", "Đã có văn bản thống nhất với Tòa án nhân dân thành phố về việc truyền "
                                   "hình ảnh, bảo đảm bí mật đời tư của người tham gia tố tụng."),
    },
    {
        "key": "child-victims",
        "title": "Bộ câu hỏi lấy lời khai mẫu trong vụ án xâm hại tình dục người dưới 16 tuổi",
        "field": "criminal", "form": "solution", "unit": "ST", "month": 4,
        "authors": [("ksv.dung", 50), ("ksv.lan", 50)],
        "summary": "Bộ câu hỏi mẫu theo độ tuổi giúp lấy lời khai bị hại là trẻ em một lần, đầy đủ, thân thiện, "
                   "hạn chế tổn thương cho trẻ.",
        "problem": ["Bị hại là trẻ em thường phải khai nhiều lần vì lời khai đầu thiếu tình tiết.",
                    "Câu hỏi dồn dập, dùng từ ngữ người lớn khiến trẻ sợ hãi, khai không thống nhất."],
        "limits": ["Không có tài liệu hướng dẫn theo độ tuổi.", "Người đại diện của trẻ ít được giải thích quyền."],
        "idea": "Chia câu hỏi theo ba nhóm tuổi (dưới 6, 6–11, 12–15) và bốn giai đoạn: làm quen, tự kể, "
                "hỏi làm rõ, kết thúc.",
        "steps": ["Kiểm sát viên trao đổi trước với Điều tra viên về bộ câu hỏi.",
                  "Bố trí phòng lấy lời khai thân thiện, có người đại diện.",
                  "Ghi âm, ghi hình toàn bộ để không phải hỏi lại."],
        "novelty": "Câu hỏi được viết bằng ngôn ngữ phù hợp từng lứa tuổi, có chú thích điều nên và không nên hỏi.",
        "conditions": ["Phòng lấy lời khai thân thiện tại Công an quận.", "Thiết bị ghi âm, ghi hình."],
        "benefits": ["7 vụ án áp dụng: bị hại chỉ khai 1 lần ở giai đoạn điều tra.",
                     "Không có vụ nào bị trả hồ sơ vì mâu thuẫn lời khai bị hại."],
    },
    {
        "key": "diversion",
        "title": "Kiểm sát việc áp dụng biện pháp xử lý chuyển hướng đối với người dưới 18 tuổi phạm tội",
        "field": "criminal", "form": "thematic", "unit": "TK", "month": 5,
        "authors": [("ksv.lan", 100)],
        "summary": "Chuyên đề phân tích các quy định mới của Luật Tư pháp người chưa thành niên và kỹ năng kiểm sát "
                   "việc áp dụng biện pháp khiển trách, hòa giải tại cộng đồng, giáo dục tại xã, phường.",
        "problem": ["Luật Tư pháp người chưa thành niên mới có hiệu lực, Kiểm sát viên chưa có kinh nghiệm.",
                    "Hồ sơ đề nghị áp dụng biện pháp chuyển hướng thường thiếu báo cáo điều tra xã hội."],
        "limits": ["Chưa thống nhất cách đánh giá điều kiện áp dụng.", "Chưa có mẫu quyết định áp dụng."],
        "idea": "Hệ thống hóa điều kiện áp dụng từng biện pháp, kèm 8 tình huống thực tế đã giải quyết.",
        "steps": ["Tổng hợp 23 hồ sơ người dưới 18 tuổi phạm tội trong 2 năm.",
                  "Phân tích điều kiện, tài liệu cần có cho từng biện pháp.",
                  "Xây dựng mẫu phiếu kiểm sát và mẫu quyết định."],
        "novelty": "Tài liệu đầu tiên của VKSND thành phố về biện pháp xử lý chuyển hướng.",
        "conditions": ["Tổ chức sinh hoạt chuyên đề tại các đơn vị."],
        "benefits": ["Tài liệu được dùng trong 3 buổi sinh hoạt chuyên đề.",
                     "Các VKSND quận, huyện đã đề nghị áp dụng biện pháp chuyển hướng đúng điều kiện cho 5 em."],
    },
    {
        "key": "crime-reports",
        "title": "Giải pháp rút ngắn thời gian phân loại, giải quyết tin báo, tố giác tội phạm tại VKSND huyện Hòa Vang",
        "field": "criminal", "form": "solution", "unit": "HV", "month": 1,
        "authors": [("ksv.son", 100)],
        "summary": "Họp liên ngành hằng tuần và sổ theo dõi điện tử giúp phân loại tin báo trong 3 ngày, "
                   "không còn tin báo quá hạn.",
        "problem": ["Tin báo về tội phạm tại địa bàn huyện tăng, nhiều tin báo về tranh chấp đất đai, "
                    "hụi họ có dấu hiệu dân sự.",
                    "Việc phân loại chậm khiến thời hạn giải quyết bị kéo dài, người dân khiếu nại."],
        "limits": ["Tin báo chuyển đến Viện kiểm sát chậm.", "Không theo dõi được thời hạn của từng tin báo."],
        "idea": "Họp liên ngành Viện kiểm sát – Công an huyện mỗi sáng thứ Hai để cùng phân loại, kèm sổ "
                "theo dõi điện tử có cảnh báo thời hạn.",
        "steps": ["Công an huyện gửi danh sách tin báo mới trước cuộc họp.",
                  "Cùng phân loại: dấu hiệu hình sự, dân sự, hành chính.",
                  "Ghi vào sổ điện tử, phân công Kiểm sát viên theo dõi."],
        "novelty": "Phân loại chung ngay từ đầu thay vì trao đổi qua văn bản.",
        "conditions": ["Quy chế phối hợp với Công an huyện.", "Một máy tính dùng chung có sổ theo dõi."],
        "benefits": ["Thời gian phân loại giảm từ 9 ngày xuống 3 ngày.", "Không còn tin báo quá hạn giải quyết."],
    },
    {
        "key": "suspension",
        "title": "Nhận diện vi phạm khi Cơ quan điều tra tạm đình chỉ giải quyết nguồn tin về tội phạm",
        "field": "criminal", "form": "thematic", "unit": "CL", "month": 6,
        "authors": [("ksv.phuc", 100)],
        "summary": "Chuyên đề tổng hợp 7 dạng vi phạm thường gặp khi tạm đình chỉ giải quyết nguồn tin và "
                   "cách kiểm sát, kiến nghị khắc phục.",
        "problem": ["Tỷ lệ nguồn tin bị tạm đình chỉ còn cao, nhiều quyết định thiếu căn cứ.",
                    "Sau khi tạm đình chỉ, việc xác minh tiếp gần như không được thực hiện."],
        "limits": ["Căn cứ \"chưa xác định được người phạm tội\" bị áp dụng tràn lan.",
                   "Không định kỳ rà soát nguồn tin đã tạm đình chỉ."],
        "idea": "Phân tích 61 quyết định tạm đình chỉ, phân loại vi phạm, đề xuất cách kiểm sát từng dạng.",
        "steps": ["Rà soát toàn bộ quyết định tạm đình chỉ trong 2 năm.",
                  "Lập bảng phân loại vi phạm.", "Xây dựng mẫu kiến nghị."],
        "novelty": "Gắn mỗi dạng vi phạm với căn cứ pháp lý và mẫu văn bản xử lý cụ thể.",
        "conditions": ["Sinh hoạt chuyên đề trong khối hình sự."],
        "benefits": ["Ban hành 3 kiến nghị, Cơ quan điều tra phục hồi giải quyết 14 nguồn tin.",
                     "Tỷ lệ tạm đình chỉ giảm từ 31% xuống 18%."],
    },
    {
        "key": "summary-trial",
        "title": "Kiểm sát xét xử theo thủ tục rút gọn trong vụ án trộm cắp tài sản",
        "field": "criminal", "form": "solution", "unit": "TK", "month": 7,
        "authors": [("ksv.phuc", 60), ("ksv.lan", 40)],
        "summary": "Đề xuất sớm áp dụng thủ tục rút gọn cho vụ án trộm cắp đơn giản, rõ ràng, rút ngắn thời "
                   "gian giải quyết mà vẫn bảo đảm quyền của bị can.",
        "problem": ["Thủ tục rút gọn ít được áp dụng dù nhiều vụ trộm cắp đủ điều kiện.",
                    "Vụ án đơn giản vẫn kéo dài 3–4 tháng."],
        "limits": ["Điều tra viên ngại đề nghị.", "Chưa có tiêu chí sàng lọc."],
        "idea": "Bảng tiêu chí 5 điểm để Kiểm sát viên đề xuất áp dụng thủ tục rút gọn ngay khi khởi tố.",
        "steps": ["Sàng lọc vụ án theo bảng tiêu chí.", "Trao đổi với Cơ quan điều tra và Tòa án.",
                  "Theo dõi thời hạn rút gọn trên sổ riêng."],
        "novelty": "Tiêu chí sàng lọc định lượng, áp dụng ngay từ khi khởi tố.",
        "conditions": ["Phối hợp liên ngành cấp quận."],
        "benefits": ["Đang áp dụng thử: 4 vụ, thời gian giải quyết trung bình 38 ngày."],
    },
    {
        "key": "civil-checklist",
        "title": "Phiếu kiểm sát bản án dân sự sơ thẩm theo từng nhóm tranh chấp",
        "field": "civil", "form": "solution", "unit": "P9", "month": 3,
        "authors": [("ksv.mai", 100)],
        "summary": "Bộ 6 phiếu kiểm sát bản án theo nhóm tranh chấp (hợp đồng, đất đai, thừa kế, hôn nhân, "
                   "lao động, kinh doanh) giúp phát hiện vi phạm nhanh và đầy đủ.",
        "problem": ["Mỗi năm Phòng 9 kiểm sát hơn 1.200 bản án, quyết định.",
                    "Việc kiểm sát phụ thuộc kinh nghiệm cá nhân, dễ bỏ sót vi phạm về án phí, thời hiệu."],
        "limits": ["Không có phiếu kiểm sát thống nhất.", "Khó tổng hợp vi phạm để kiến nghị."],
        "idea": "Mỗi nhóm tranh chấp có phiếu riêng liệt kê các điểm bắt buộc kiểm tra.",
        "steps": ["Xây dựng 6 phiếu từ các kháng nghị đã được chấp nhận.",
                  "Kiểm sát viên đánh dấu từng điểm khi kiểm sát.", "Tổng hợp vi phạm hằng quý."],
        "novelty": "Phiếu được xây dựng từ chính các vi phạm đã được Tòa án cấp trên chấp nhận.",
        "conditions": ["In phiếu hoặc dùng bản điện tử."],
        "benefits": ["Số vi phạm phát hiện tăng 35%.", "2 kiến nghị tổng hợp được Tòa án tiếp thu."],
    },
    {
        "key": "land-inheritance",
        "title": "Kiểm sát giải quyết tranh chấp quyền sử dụng đất có yếu tố thừa kế: những sai sót thường gặp",
        "field": "civil", "form": "thematic", "unit": "P9", "month": 8,
        "authors": [("ksv.mai", 70), ("ksv.tuan", 30)],
        "summary": "Chuyên đề phân tích 12 bản án bị hủy, sửa về tranh chấp đất có yếu tố thừa kế và rút ra "
                   "kỹ năng kiểm sát.",
        "problem": ["Tranh chấp đất đai có yếu tố thừa kế phức tạp, nhiều bản án bị hủy.",
                    "Thường sai sót về xác định di sản, người thừa kế, thời hiệu."],
        "limits": ["Chưa thu thập đủ hồ sơ địa chính qua các thời kỳ."],
        "idea": "Tổng hợp sai sót thành bảng đối chiếu, kèm câu hỏi Kiểm sát viên cần đặt ra tại phiên tòa.",
        "steps": ["Nghiên cứu 12 bản án bị hủy, sửa.", "Lập bảng sai sót.", "Xây dựng câu hỏi mẫu."],
        "novelty": "Tập trung vào khâu xác minh nguồn gốc đất qua các thời kỳ.",
        "conditions": ["Sinh hoạt chuyên đề khối dân sự."],
        "benefits": ["Đang hoàn thiện."],
    },
    {
        "key": "admin-register",
        "title": "Số hóa sổ thụ lý và theo dõi án hành chính tại Phòng 10",
        "field": "administrative", "form": "solution", "unit": "P10", "month": 9,
        "authors": [("ksv.hoa", 100)],
        "summary": "Sổ thụ lý án hành chính điện tử có tra cứu, thống kê và nhắc thời hạn.",
        "problem": ["Sổ thụ lý giấy khó tra cứu, thống kê cuối kỳ mất nhiều ngày."],
        "limits": ["Không nhắc được thời hạn kháng nghị."],
        "idea": "Dùng bảng tính dùng chung trên mạng nội bộ với các trường chuẩn hóa.",
        "steps": ["Chuẩn hóa 18 trường thông tin.", "Nhập dữ liệu 3 năm gần nhất.", "Tạo báo cáo tự động."],
        "novelty": "Báo cáo thống kê tự động theo mẫu của ngành.",
        "conditions": ["Mạng nội bộ."],
        "benefits": ["Đang nhập dữ liệu."],
    },
    {
        "key": "credit-interest",
        "title": "Nhận diện vi phạm về lãi suất khi kiểm sát giải quyết tranh chấp hợp đồng tín dụng",
        "field": "commercial", "form": "solution", "unit": "P10", "month": 4,
        "authors": [("ksv.hoa", 100)],
        "summary": "Bảng tính lãi kiểm tra lại cách Tòa án tính lãi trong hạn, quá hạn, lãi chậm trả.",
        "problem": ["Tranh chấp hợp đồng tín dụng chiếm tỷ lệ lớn trong án kinh doanh thương mại.",
                    "Cách tính lãi phức tạp, nhiều bản án tính sai nhưng khó phát hiện."],
        "limits": ["Kiểm sát viên tính lãi thủ công.", "Nhầm lẫn giữa lãi quá hạn và lãi chậm trả."],
        "idea": "Bảng tính lập sẵn công thức theo các mốc thời gian và văn bản hướng dẫn hiện hành.",
        "steps": ["Nhập các mốc giải ngân, trả nợ, lãi suất.", "Bảng tính đưa ra số lãi đúng.",
                  "So sánh với bản án, ghi chênh lệch."],
        "novelty": "Tự động hóa phần tính toán, Kiểm sát viên tập trung vào đánh giá pháp lý.",
        "conditions": ["Máy tính có phần mềm bảng tính."],
        "benefits": ["Phát hiện 6 bản án tính sai lãi, 3 kháng nghị được chấp nhận."],
    },
    {
        "key": "labour-termination",
        "title": "Kiểm sát giải quyết tranh chấp về đơn phương chấm dứt hợp đồng lao động",
        "field": "labour", "form": "solution", "unit": "P10", "month": 5,
        "authors": [("ksv.hoa", 50), ("ksv.yen", 50)],
        "summary": "Sơ đồ kiểm tra căn cứ, thủ tục đơn phương chấm dứt hợp đồng lao động theo Bộ luật Lao động 2019.",
        "problem": ["Tranh chấp lao động ít nhưng phức tạp, Kiểm sát viên ít kinh nghiệm."],
        "limits": ["Dễ bỏ sót thủ tục báo trước, trao đổi với tổ chức đại diện người lao động."],
        "idea": "Sơ đồ một trang: căn cứ – thủ tục – hậu quả pháp lý, dùng khi nghiên cứu hồ sơ và tại phiên tòa.",
        "steps": ["Lập sơ đồ theo từng trường hợp chấm dứt.", "Áp dụng khi nghiên cứu hồ sơ."],
        "novelty": "Trình bày trực quan, dễ dùng tại phiên tòa.",
        "conditions": ["Không cần kinh phí."],
        "benefits": ["Áp dụng cho 4 vụ án, 1 kháng nghị được chấp nhận."],
    },
    {
        "key": "asset-recovery",
        "title": "Phối hợp kiểm sát thi hành khoản thu hồi tài sản trong các vụ án tham nhũng, kinh tế",
        "field": "enforcement", "form": "solution", "unit": "P11", "month": 2,
        "authors": [("ksv.nam", 100)],
        "summary": "Danh mục theo dõi riêng các khoản thu hồi tài sản trong án tham nhũng, kinh tế, "
                   "kiểm sát định kỳ với Cục Thi hành án dân sự.",
        "problem": ["Tỷ lệ thu hồi tài sản trong án tham nhũng còn thấp.",
                    "Việc kiểm sát chưa theo dõi riêng nhóm khoản thu này."],
        "limits": ["Thông tin tài sản kê biên không được cập nhật."],
        "idea": "Lập danh mục riêng, làm việc định kỳ hằng quý với cơ quan thi hành án.",
        "steps": ["Lập danh mục các khoản phải thu hồi.", "Kiểm sát hằng quý.", "Kiến nghị khi chậm xử lý tài sản."],
        "novelty": "Theo dõi theo từng khoản, không theo từng hồ sơ thi hành án.",
        "conditions": ["Quy chế phối hợp với Cục Thi hành án dân sự thành phố."],
        "benefits": ["Thu hồi thêm 12,4 tỷ đồng trong năm."],
    },
    {
        "key": "land-enforcement",
        "title": "Kiểm sát cưỡng chế thi hành án dân sự đối với quyền sử dụng đất và nhà ở",
        "field": "enforcement", "form": "solution", "unit": "P11", "month": 6,
        "authors": [("ksv.nam", 60), ("Lê Thị Thu", "Chi cục Thi hành án dân sự quận Sơn Trà", 40)],
        "summary": "Bảng kiểm các bước cưỡng chế kê biên, định giá, bán đấu giá quyền sử dụng đất và nhà ở.",
        "problem": ["Cưỡng chế nhà đất dễ phát sinh khiếu nại, có vụ bị hủy kết quả bán đấu giá.",
                    "Kiểm sát viên thường chỉ tham gia buổi cưỡng chế, ít kiểm sát các bước trước."],
        "limits": ["Thông báo cưỡng chế không đúng thời hạn.", "Định giá không sát giá thị trường."],
        "idea": "Kiểm sát theo bảng kiểm 20 bước từ khi ra quyết định cưỡng chế đến khi giao tài sản.",
        "steps": ["Nhận hồ sơ trước buổi cưỡng chế 5 ngày.", "Kiểm sát theo bảng kiểm.",
                  "Tham gia cưỡng chế, lập biên bản."],
        "novelty": "Bảng kiểm có sự góp ý của Chấp hành viên.",
        "conditions": ["Phối hợp với cơ quan thi hành án dân sự."],
        "benefits": ["Không còn khiếu nại về thủ tục trong 11 vụ cưỡng chế."],
        "revision": ("benefits", "Bổ sung: 2 kiến nghị về định giá tài sản đã được Chi cục Thi hành án dân sự "
                                 "tiếp thu, định giá lại sát giá thị trường."),
    },
    {
        "key": "prisoners",
        "title": "Kiểm sát việc thực hiện chế độ ăn, ở, khám chữa bệnh đối với người bị tạm giam",
        "field": "enforcement", "form": "solution", "unit": "P8", "month": 3,
        "authors": [("ksv.quang", 100)],
        "summary": "Kiểm sát đột xuất theo mẫu phiếu, có đối chiếu sổ sách và hỏi trực tiếp người bị tạm giam.",
        "problem": ["Kiểm sát định kỳ dễ hình thức."], "limits": ["Ít đối chiếu với sổ sách."],
        "idea": "Kiểm sát đột xuất, chọn ngẫu nhiên buồng giam.", "steps": ["Lập phiếu.", "Kiểm sát đột xuất."],
        "novelty": "Chọn mẫu ngẫu nhiên.", "conditions": ["Không cần kinh phí."],
        "benefits": ["Phát hiện 3 vi phạm."],
    },
    {
        "key": "judgment-store",
        "title": "Đề án xây dựng kho dữ liệu bản án, quyết định dùng chung cho Viện kiểm sát hai cấp",
        "field": "it", "form": "project", "unit": "VP", "month": 10,
        "authors": [("ksv.trang", 60), ("ksv.thao", 40)],
        "summary": "Kho dữ liệu bản án, quyết định có tìm kiếm toàn văn trên mạng nội bộ, dùng chung cho VKSND "
                   "thành phố và 7 VKSND quận, huyện.",
        "problem": ["Bản án, quyết định lưu rải rác ở từng đơn vị, khó tra cứu để rút kinh nghiệm."],
        "limits": ["Không tìm kiếm được theo tội danh, điều luật."],
        "idea": "Đề án xây dựng kho dữ liệu tập trung trên máy chủ của Văn phòng.",
        "steps": ["Khảo sát nhu cầu.", "Xây dựng kho dữ liệu.", "Nhập dữ liệu 5 năm."],
        "novelty": "Dữ liệu dùng chung cho cả hai cấp.",
        "conditions": ["Máy chủ, kinh phí dự kiến 120 triệu đồng."],
        "benefits": [],
    },
    {
        "key": "pivot-stats",
        "title": "Thống kê tội phạm bằng bảng tổng hợp động phục vụ báo cáo nhanh",
        "field": "office", "form": "solution", "unit": "LC", "month": 4,
        "authors": [("ksv.thao", 100)],
        "summary": "Bảng tổng hợp động (PivotTable) lập báo cáo thống kê tội phạm theo yêu cầu trong vài phút.",
        "problem": ["Báo cáo nhanh theo yêu cầu cấp trên mất nhiều giờ tổng hợp thủ công."],
        "limits": ["Số liệu giữa các báo cáo không khớp."],
        "idea": "Một bảng dữ liệu gốc, các báo cáo đều lấy từ bảng tổng hợp động.",
        "steps": ["Chuẩn hóa bảng dữ liệu gốc.", "Lập mẫu bảng tổng hợp động."],
        "novelty": "Một nguồn số liệu cho mọi báo cáo.", "conditions": ["Phần mềm bảng tính."],
        "benefits": ["Thời gian lập báo cáo nhanh giảm từ 4 giờ xuống 20 phút."],
    },
    {
        "key": "indictment-training",
        "title": "Tập huấn kỹ năng viết cáo trạng cho Kiểm sát viên trẻ theo phương pháp “bản mẫu – sửa lỗi”",
        "field": "personnel", "form": "solution", "unit": "NHS", "month": 3,
        "authors": [("ksv.yen", 50), ("ksv.linh", 50)],
        "summary": "Kiểm sát viên trẻ viết cáo trạng trên hồ sơ mẫu, được sửa lỗi trực tiếp và so với bản mẫu.",
        "problem": ["Cáo trạng của Kiểm sát viên mới bổ nhiệm còn nhiều lỗi diễn đạt, viện dẫn."],
        "limits": ["Tập huấn lý thuyết, ít thực hành."],
        "idea": "Mỗi buổi một hồ sơ mẫu, viết – sửa – so sánh.",
        "steps": ["Chuẩn bị 5 hồ sơ mẫu.", "Tổ chức 5 buổi thực hành.", "Đánh giá tiến bộ."],
        "novelty": "Học bằng chính lỗi của mình.", "conditions": ["Hồ sơ mẫu đã xóa thông tin cá nhân."],
        "benefits": ["12 Kiểm sát viên tham gia; lỗi trong cáo trạng giảm rõ rệt."],
    },
    {
        "key": "mentoring",
        "title": "Mô hình “Kiểm sát viên đồng hành” kèm cặp công chức mới tuyển dụng",
        "field": "personnel", "form": "solution", "unit": "NHS", "month": 2,
        "authors": [("ksv.yen", 100)],
        "summary": "Mỗi công chức mới có một Kiểm sát viên kinh nghiệm kèm cặp trong 12 tháng theo kế hoạch cụ thể.",
        "problem": ["Công chức mới mất nhiều thời gian để làm quen công việc.",
                    "Việc kèm cặp chưa có kế hoạch, phụ thuộc vào từng người."],
        "limits": ["Không đánh giá được kết quả kèm cặp."],
        "idea": "Kế hoạch kèm cặp 12 tháng với mục tiêu từng quý và sổ theo dõi.",
        "steps": ["Phân công người kèm cặp.", "Lập kế hoạch 12 tháng.", "Đánh giá hằng quý."],
        "novelty": "Kèm cặp có mục tiêu đo được.", "conditions": ["Sự chỉ đạo của lãnh đạo đơn vị."],
        "benefits": ["3 công chức mới được đánh giá hoàn thành tốt nhiệm vụ ngay năm đầu."],
    },
    {
        "key": "complaints-register",
        "title": "Quy trình tiếp nhận, phân loại đơn khiếu nại, tố cáo trong hoạt động tư pháp bằng sổ điện tử",
        "field": "office", "form": "solution", "unit": "VP", "month": 5,
        "authors": [("ksv.trang", 100)],
        "summary": "Sổ điện tử tiếp nhận đơn có phân loại, chuyển xử lý và nhắc thời hạn trả lời.",
        "problem": ["Đơn thư nhiều, trùng lặp, khó theo dõi thời hạn trả lời."],
        "limits": ["Không phát hiện được đơn trùng."],
        "idea": "Sổ điện tử có tìm kiếm theo tên người gửi, tự đánh dấu đơn trùng.",
        "steps": ["Nhập đơn khi tiếp nhận.", "Phân loại, chuyển xử lý.", "Theo dõi thời hạn."],
        "novelty": "Phát hiện đơn trùng tự động.", "conditions": ["Mạng nội bộ."],
        "benefits": ["Phát hiện 37 đơn trùng; không còn đơn quá hạn trả lời."],
    },
    {
        "key": "vulnerable-witnesses",
        "title": "Kỹ năng kiểm sát việc lấy lời khai người làm chứng là người cao tuổi, người khuyết tật",
        "field": "criminal", "form": "thematic", "unit": "HC", "month": 6,
        "authors": [("ksv.tuan", 100)],
        "summary": "Chuyên đề về các bảo đảm tố tụng khi lấy lời khai người làm chứng là người cao tuổi, "
                   "người khuyết tật.",
        "problem": ["Lời khai của người làm chứng cao tuổi, khuyết tật hay bị bác bỏ tại phiên tòa "
                    "vì thiếu người phiên dịch, người đại diện."],
        "limits": ["Chưa có hướng dẫn riêng."],
        "idea": "Hệ thống các bảo đảm tố tụng cần kiểm sát.",
        "steps": ["Tổng hợp quy định.", "Phân tích 9 vụ án."],
        "novelty": "Chủ đề chưa có tài liệu nào của ngành.", "conditions": ["Sinh hoạt chuyên đề."],
        "benefits": ["Đang hoàn thiện."],
    },
    {
        "key": "digital-scene-map",
        "title": "Ứng dụng bản đồ số trong kiểm sát khám nghiệm hiện trường vụ tai nạn giao thông",
        "field": "criminal", "form": "solution", "unit": "HC", "month": 8,
        "authors": [("ksv.tuan", 50), ("ksv.dung", 50)],
        "summary": "Dùng ảnh bản đồ số và đo đạc trên điện thoại để đối chiếu sơ đồ hiện trường.",
        "problem": ["Sơ đồ hiện trường vẽ tay thiếu chính xác, khó đối chiếu khi có tranh chấp."],
        "limits": ["Không lưu được vị trí chính xác của dấu vết."],
        "idea": "Đánh dấu vị trí dấu vết trên bản đồ số ngay tại hiện trường.",
        "steps": ["Chụp ảnh có tọa độ.", "Đánh dấu trên bản đồ số.", "Đính kèm vào hồ sơ kiểm sát."],
        "novelty": "Dùng công cụ sẵn có, không tốn kinh phí.", "conditions": ["Điện thoại có định vị."],
        "benefits": [],
    },
]

# (topic key, years before this one, how far it went)
PLAN = [
    ("prisoners", 2, "withdrawn"),
    ("pivot-stats", 2, "returned"),
    ("diversion", 2, "withdrawn"),
    ("civil-checklist", 2, "submitted"),
    ("vulnerable-witnesses", 2, "returned-twice"),
    ("e-evidence", 1, "resubmitted"),
    ("asset-recovery", 1, "withdrawn"),
    ("credit-interest", 1, "returned"),
    ("mentoring", 1, "submitted"),
    ("suspension", 1, "submitted"),
    ("land-inheritance", 1, "draft"),
    ("mock-trial", 0, "resubmitted"),
    ("child-victims", 0, "submitted"),
    ("crime-reports", 0, "returned"),
    ("summary-trial", 0, "draft"),
    ("admin-register", 0, "draft"),
    ("labour-termination", 0, "submitted"),
    ("land-enforcement", 0, "resubmitted"),
    ("judgment-store", 0, "draft"),
    ("indictment-training", 0, "withdrawn"),
    ("complaints-register", 0, "submitted"),
    ("digital-scene-map", 0, "draft"),
]

RETURN_NOTES = [
    "Đề nghị bổ sung số liệu so sánh trước và sau khi áp dụng giải pháp, có xác nhận của lãnh đạo đơn vị.",
    "Đề nghị làm rõ điểm mới của giải pháp so với hướng dẫn nghiệp vụ hiện hành của VKSND tối cao.",
    "Hồ sơ thiếu phần điều kiện áp dụng; đề nghị nêu rõ nhân lực, phương tiện cần có để nhân rộng.",
]
WITHDRAW_REASONS = [
    "Tác giả đề nghị rút để tiếp tục áp dụng thử, hoàn thiện số liệu và nộp lại năm sau.",
    "Nội dung trùng với sáng kiến của đơn vị khác đã được công nhận; tác giả xin rút.",
    "Đơn vị thay đổi cách làm theo hướng dẫn mới của ngành, giải pháp không còn phù hợp.",
]


def _markdown(topic):
    problem = "\n\n".join(topic["problem"])
    limits = "\n".join(f"- {item}" for item in topic["limits"])
    steps = "\n".join(f"{n}. {step}" for n, step in enumerate(topic["steps"], start=1))
    conditions = "\n".join(f"- {item}" for item in topic["conditions"])
    benefits = "\n\n".join(topic["benefits"])
    return {
        "current_state": f"{problem}\n\nNhững hạn chế chủ yếu:\n\n{limits}",
        "solution": f"{topic['idea']}\n\n### Các bước thực hiện\n\n{steps}\n\n### Điểm mới\n\n{topic['novelty']}",
        "conditions": f"Để áp dụng giải pháp cần:\n\n{conditions}\n\nGiải pháp không đòi hỏi thay đổi tổ chức "
                      "bộ máy, có thể nhân rộng ở các đơn vị trong ngành Kiểm sát thành phố.",
        "benefits": (f"{benefits}\n\nKết quả được lãnh đạo đơn vị xác nhận qua báo cáo sơ kết." if benefits else ""),
    }


def _authors(topic):
    authors = []
    for entry in topic["authors"]:
        if len(entry) == 2:
            authors.append({"username": entry[0], "share": entry[1]})
        else:
            authors.append({"name": entry[0], "workplace": entry[1], "share": entry[2]})
    return authors


def _stamp(moment):
    return datetime.combine(moment, time(9, 0))


def seed(ctx):
    """≥20 initiatives over the demo years in the states this area produces; ids in ctx["initiatives"]."""
    users, units, this_year = ctx["users"], ctx["units"], ctx["this_year"]
    secretary = users["thuky"]
    fields = {f.code: f.id for f in db.session.execute(select(Field)).scalars()}
    today = today_in_portal()
    made, counts = [], {}
    topics = {t["key"]: t for t in TOPICS}
    for n, (key, back, outcome) in enumerate(PLAN):
        topic = topics[key]
        year = this_year - back
        if year not in ctx["years"]:
            continue
        first_author = users[topic["authors"][0][0]]
        applied = min(date(year, topic["month"], 10), today)
        sections = _markdown(topic)
        values = {
            "title": topic["title"], "field_id": fields.get(topic["field"]), "form": topic["form"], "year": year,
            "unit_id": units[topic["unit"]].id, "requested_level": "grassroots",
            "first_applied_on": applied if topic["benefits"] else None, "summary": topic["summary"], **sections,
        }
        initiative = operations.create_initiative(first_author, values, _authors(topic))
        if outcome != "draft":  # the co-authors confirmed before it went in; drafts keep their invitations open
            for row in list(initiative.authors):
                if row.pending:
                    authorship.answer_invitation(initiative, row.user, True)
        created = min(_stamp(applied) + timedelta(days=20), utcnow())
        initiative.created_at = initiative.updated_at = created
        if outcome != "draft":
            submitted = min(created + timedelta(days=30), utcnow())
            operations.submit(initiative, first_author)
            _backdate(initiative, submitted)
            if outcome in ("returned", "resubmitted", "returned-twice"):
                _return(initiative, secretary, RETURN_NOTES[n % len(RETURN_NOTES)])
            if outcome in ("resubmitted", "returned-twice"):
                field, extra = topic.get("revision") or ("benefits", "Bổ sung số liệu theo yêu cầu của Hội đồng.")
                operations.update_initiative(initiative, first_author,
                                             {field: (getattr(initiative, field) + "\n\n" + extra).strip()})
                operations.submit(initiative, first_author)
                _backdate(initiative, min(submitted + timedelta(days=25), utcnow()))
            if outcome == "returned-twice":
                _return(initiative, secretary, RETURN_NOTES[(n + 1) % len(RETURN_NOTES)])
            if outcome == "withdrawn":
                operations.withdraw(initiative, first_author, WITHDRAW_REASONS[n % len(WITHDRAW_REASONS)])
        db.session.flush()
        made.append(initiative.id)
        counts[initiative.status] = counts.get(initiative.status, 0) + 1
    ctx["initiatives"] = made
    return {"initiatives (submission)": len(made),
            **{f"  {state.value}": counts[state] for state in Status if state in counts}}


def _return(initiative, secretary, note):
    """The secretary's screening return, through the council area's operation."""

    return_to_authors(initiative, secretary, note)


def _backdate(initiative, moment):
    """Demo rows carry dates within their year (the audit log keeps the real time of recording)."""
    initiative.submitted_at = moment
    initiative.updated_at = moment
    initiative.versions[-1].submitted_at = moment
