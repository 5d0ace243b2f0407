"""What the audit log shows for its codes: a label for each action and object type, and an event's
data as readable "key: value" pairs. The codes stay in the database and in the CSV's code columns;
the labels are msgids, translated where they are shown (page and CSV alike)."""
from datetime import date, datetime

from flask_babel import gettext as _

from portal.initiatives.workflow import STATUS_LABELS, Action, Status

ACTION_LABELS = {
    "auth.sign_in": "Đăng nhập",
    "auth.password_changed": "Đổi mật khẩu",
    "auth.signed_out_everywhere": "Đăng xuất khỏi mọi phiên",
    "auth.token_issued": "Cấp khóa API",
    "auth.token_revoked": "Thu hồi khóa API",
    "admin.user_created": "Tạo tài khoản",
    "admin.user_updated": "Sửa tài khoản",
    "admin.user_deactivated": "Khóa tài khoản",
    "admin.user_reactivated": "Mở lại tài khoản",
    "admin.users_imported": "Nhập tài khoản từ tệp",
    "admin.password_reset": "Đặt lại mật khẩu",
    "admin.tokens_revoked": "Thu hồi mọi khóa API của tài khoản",
    "admin.unit_created": "Thêm đơn vị",
    "admin.unit_updated": "Sửa đơn vị",
    "admin.year_created": "Thêm năm thi đua",
    "admin.year_updated": "Sửa năm thi đua",
    "admin.field_created": "Thêm lĩnh vực",
    "admin.field_updated": "Sửa lĩnh vực",
    "admin.council_created": "Lập Hội đồng Sáng kiến",
    "admin.council_updated": "Sửa thông tin Hội đồng",
    "admin.council_member_added": "Thêm thành viên Hội đồng",
    "admin.council_member_removed": "Bỏ thành viên khỏi Hội đồng",
    "admin.mail_resent": "Gửi lại thư",
    "admin.audit_exported": "Xuất nhật ký kiểm tra",
    "initiative.created": "Tạo bản nháp sáng kiến",
    "initiative.updated": "Sửa nội dung sáng kiến",
    "initiative.deleted": "Xóa bản nháp sáng kiến",
    "initiative.authors_changed": "Thay đổi danh sách tác giả",
    "initiative.coauthorship": "Trả lời lời mời đồng tác giả",
    "initiative.attachment_added": "Đính kèm tệp",
    "initiative.attachment_removed": "Xóa tệp đính kèm",
    "initiative.publish": "Công bố sáng kiến",
    "initiative.unpublish": "Gỡ bài sáng kiến",
    "initiative.submit": "Nộp sáng kiến",
    "initiative.withdraw": "Rút sáng kiến",
    "initiative.accept": "Tiếp nhận vào thẩm định",
    "initiative.return": "Trả lại để bổ sung",
    "initiative.recognize": "Công nhận sáng kiến",
    "initiative.reject": "Không công nhận sáng kiến",
    "initiative.propose_sector": "Đề nghị công nhận sáng kiến cấp Ngành",
    "initiative.sector_recognized": "Ghi nhận công nhận cấp Ngành",
    "initiative.sector_not_recognized": "Ghi nhận không công nhận cấp Ngành",
    "initiative.propose_national": "Đề nghị công nhận phạm vi toàn quốc",
    "initiative.national_recognized": "Ghi nhận công nhận phạm vi toàn quốc",
    "initiative.national_not_recognized": "Ghi nhận không công nhận phạm vi toàn quốc",
    "council.assigned": "Phân công chấm điểm",
    "council.recused": "Xin không tham gia chấm",
    "admin.organisation_updated": "Cập nhật thông tin cơ quan",
    "admin.year_signer_kept": "Giữ người ký văn bản của năm đã có quyết định",
    "auth.delivery_changed": "Đổi cách nhận thông báo",
    "auth.profile_updated": "Cập nhật thông tin cá nhân",
    "council.assignment_withdrawn": "Rút phân công chấm điểm",
    "council.certificate_issued": "Cấp số Giấy chứng nhận sáng kiến",
    "council.conclusion_approved": "Duyệt kết luận của Hội đồng",
    "council.conclusion_saved": "Lưu dự thảo kết luận",
    "council.conclusion_sent": "Trình kết luận để duyệt",
    "council.conclusion_sent_back": "Trả lại dự thảo kết luận",
    "council.meeting_recorded": "Ghi thông tin phiên họp",
    "council.meeting_updated": "Sửa thông tin phiên họp",
    "council.discussion_post": "Ý kiến thảo luận của Hội đồng",
    "council.return_answered": "Trả lời yêu cầu bổ sung",
    "council.review_saved": "Lưu nháp phiếu chấm",
    "council.review_submitted": "Nộp phiếu chấm",
    "council.review_reopened": "Mở lại phiếu chấm",
    "council.decision": "Quyết định của Hội đồng",
    "council.batch_decision": "Quyết định công nhận theo danh sách",
    "council.first_application_ended": "Ghi nhận kết thúc áp dụng lần đầu",
    "council.rubric_updated": "Cập nhật bộ tiêu chí chấm điểm",
    "council.reminders_sent": "Gửi nhắc hạn chấm",
    "emulation.settings_saved": "Lưu thiết lập xét thi đua",
    "emulation.registered": "Đăng ký danh hiệu thi đua",
    "emulation.title_recorded": "Ghi nhận danh hiệu thi đua",
    "emulation.title_recorded_override": "Ghi nhận danh hiệu thi đua (ngoại lệ có lý do)",
    "emulation.title_deleted": "Xóa danh hiệu thi đua",
    "emulation.discipline_recorded": "Ghi nhận hình thức kỷ luật",
    "emulation.discipline_deleted": "Xóa kỷ luật",
    "emulation.service_recorded": "Ghi nhận thời gian công tác",
    "emulation.service_deleted": "Xóa thời gian công tác",
    "emulation.title_refused": "Ghi nhận không công nhận danh hiệu thi đua",
    "emulation.title_refusal_deleted": "Bỏ ghi nhận không công nhận danh hiệu",
    "emulation.title_use_recorded": "Ghi sáng kiến đã sử dụng cho danh hiệu đã ghi nhận",
    "emulation.articles_recorded": "Ghi nhận số tin, bài",
}
assert {f"initiative.{a.value}" for a in Action} <= set(ACTION_LABELS), "every transition has a label"

OBJECT_LABELS = {
    "user": "Tài khoản người dùng",
    "unit": "Đơn vị",
    "year": "Hồ sơ năm thi đua",
    "field": "Lĩnh vực",
    "initiative": "Sáng kiến",
    "attachment": "Tệp",
    "publication": "Bài đăng",
    "council": "Hội đồng Sáng kiến",
    "council_member": "Thành viên Hội đồng",
    "council_decision": "Quyết định của Hội đồng",
    "rubric": "Bộ tiêu chí",
    "review_assignment": "Lượt phân công chấm",
    "review": "Phiếu chấm",
    "api_token": "Khóa API",
    "mail_outbox": "Thư",
    "audit_event": "Nhật ký kiểm tra",
    "title_award": "Danh hiệu thi đua",
    "discipline": "Kỷ luật",
    "service_record": "Thời gian công tác",
    "title_refusal": "Không công nhận danh hiệu",
    "registration": "Đăng ký danh hiệu",
    "article_count": "Số tin, bài",
    "emulation_settings": "Thiết lập xét thi đua",
}

KEY_LABELS = {
    "from": "Từ", "to": "Sang", "year": "Năm", "user": "Người", "username": "Tên đăng nhập",
    "round": "Vòng", "reason": "Lý do", "name": "Tên", "changes": "Thay đổi", "title": "Tên",
    "count": "Số lượng", "reviewer": "Thành viên chấm", "note": "Ghi chú", "level": "Mức",
    "decision_no": "Số quyết định", "decision_date": "Ngày quyết định", "version": "Phiên bản",
    "total": "Tổng điểm", "role": "Vai trò", "roles": "Vai trò", "fields": "Các mục",
    "file": "Tệp", "size": "Dung lượng", "share": "Tỷ lệ đóng góp", "scores": "Điểm",
    "before": "Trước khi sửa", "after": "Sau khi sửa", "filters": "Bộ lọc", "days": "Số ngày", "code": "Mã",
    "authors": "Tác giả", "active": "Đang hoạt động", "kind": "Loại", "address": "Địa chỉ",
    "head_title": "Chức danh người đứng đầu", "head_name": "Họ và tên người đứng đầu",
    "deputy_title": "Chức danh cấp phó", "deputy_name": "Cấp phó ký thay (KT.)",
}


def action_label(code):
    return _(ACTION_LABELS[code]) if code in ACTION_LABELS else code


def object_label(object_type):
    return _(OBJECT_LABELS[object_type]) if object_type in OBJECT_LABELS else object_type


def _value(key, value):
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if key in ("from", "to") and value in set(Status):
        return _(STATUS_LABELS[Status(value)])
    if isinstance(value, dict):
        return "; ".join(f"{_key(k)}: {_value(k, v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_value(key, v) for v in value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _key(key):
    return _(KEY_LABELS[key]) if key in KEY_LABELS else str(key).replace("_", " ")


def details(data):
    """[(label, text)] of an event's data, in its stored order: read by people, no JSON escapes."""
    return [(_key(key), _value(key, value)) for key, value in (data or {}).items()]


def details_text(data):
    return "; ".join(f"{label}: {text}" for label, text in details(data))
