"""Forms of the discussion page and the authors' thread (Flask-WTF: CSRF on every one)."""
from flask_babel import lazy_gettext as _l
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from portal.core.forms import PortalForm

REQUIRED = _l("Cần nhập nội dung.")


class PostForm(PortalForm):
    body = TextAreaField(_l("Ý kiến của bạn"), validators=[DataRequired(REQUIRED), Length(max=10_000)],
                         description=_l("Viết theo Markdown: **đậm**, *nghiêng*, danh sách bắt đầu bằng “- ”."))
    submit = SubmitField(_l("Gửi ý kiến"))


class ReturnAnswerForm(PortalForm):
    body = TextAreaField(_l("Trả lời yêu cầu bổ sung"), validators=[DataRequired(REQUIRED), Length(max=10_000)],
                         description=_l("Thư ký Hội đồng đọc được trao đổi này; các thành viên khác thì không."))
    submit = SubmitField(_l("Gửi trả lời"))


class ConclusionForm(PortalForm):
    text = TextAreaField(_l("Kết luận của Hội đồng"), validators=[DataRequired(REQUIRED), Length(max=20_000)],
                         description=_l("Tác giả nhận được kết luận này cùng quyết định, sau khi Chủ tịch Hội đồng duyệt."))
    save = SubmitField(_l("Lưu nháp"))
    send = SubmitField(_l("Gửi Chủ tịch duyệt"))


class ApproveConclusionForm(PortalForm):
    submit = SubmitField(_l("Duyệt kết luận"))


class SendBackConclusionForm(PortalForm):
    note = TextAreaField(_l("Cần sửa gì"), validators=[DataRequired(REQUIRED), Length(max=10_000)])
    submit = SubmitField(_l("Trả lại Thư ký để sửa"))
