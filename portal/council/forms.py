"""Forms of the council's pages (Flask-WTF: CSRF on every one)."""
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal.core.forms import PortalForm

REQUIRED = _l("Trường này là bắt buộc.")


class AcceptForm(PortalForm):
    submit = SubmitField(_l("Tiếp nhận vào thẩm định"))


class ReturnForm(PortalForm):
    note = TextAreaField(_l("Nội dung cần bổ sung, hoàn thiện"),
                         validators=[DataRequired(REQUIRED), Length(max=5000)],
                         description=_l("Tác giả sẽ nhận được nội dung này kèm thông báo."))
    submit = SubmitField(_l("Trả lại cho tác giả"))


class AssignForm(PortalForm):
    """Several members at once: one checkbox each, the suggestion pre-ticked."""
    reviewers = SelectMultipleField(_l("Thành viên Hội đồng"), coerce=int, validate_choice=False)
    due_on = DateField(_l("Hạn nộp phiếu chấm"), validators=[Optional()],
                       description=_l("Để trống: 14 ngày kể từ hôm nay."))
    submit = SubmitField(_l("Phân công"))


class WithdrawForm(PortalForm):
    """Rút phân công, or replace the reviewer with another member."""
    reason = TextAreaField(_l("Lý do rút phân công"), validators=[DataRequired(REQUIRED), Length(max=2000)],
                           description=_l("Người chấm sẽ nhận được lý do này."))
    replacement = SelectField(_l("Thay bằng"), coerce=lambda v: int(v) if v not in (None, "", "None") else None,
                              validate_choice=False, validators=[Optional()])
    due_on = DateField(_l("Hạn nộp phiếu của người thay thế"), validators=[Optional()])
    withdraw = SubmitField(_l("Rút phân công"))


class ConfirmMixin:
    """The two steps of an irreversible action: the first post is checked and shown on a
    confirmation page; only a post with `confirmed` acts; `edit` goes back to the form."""
    confirmed = HiddenField()
    edit = SubmitField(_l("Quay lại sửa"))

    @property
    def confirming(self):
        return self.confirmed.data == "1" and not self.edit.data


class BulkAcceptForm(ConfirmMixin, PortalForm):
    ids = SelectMultipleField(_l("Sáng kiến"), coerce=int, validate_choice=False)
    year = HiddenField()
    submit = SubmitField(_l("Tiếp nhận các hồ sơ đã chọn"))


class RemindForm(ConfirmMixin, PortalForm):
    ids = SelectMultipleField(_l("Phiếu chấm"), coerce=int, validate_choice=False)
    year = HiddenField()
    submit = SubmitField(_l("Nhắc hạn các phiếu đã chọn"))


class FirstApplicationForm(PortalForm):
    ended_on = DateField(_l("Ngày kết thúc áp dụng lần đầu"), validators=[InputRequired(_l("Cần nhập ngày."))])


class RecuseForm(PortalForm):
    reason = TextAreaField(_l("Lý do không tham gia chấm"),
                           validators=[DataRequired(REQUIRED), Length(max=2000)])
    submit = SubmitField(_l("Xin không tham gia chấm"))


class ReopenForm(PortalForm):
    reason = TextAreaField(_l("Lý do mở lại"), validators=[DataRequired(REQUIRED), Length(max=2000)])
    submit = SubmitField(_l("Mở lại phiếu chấm"))


class ScoreField(IntegerField):
    """An integer field whose parse error speaks Vietnamese."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(_l("Điểm phải là số nguyên.")) from None


def review_form_class(criteria):
    """A form with one score and one comment field per criterion of the year's rubric.

    The range is also checked by the operation (server-side, one source of truth);
    the validators here only shape the messages next to each field.
    """
    class ReviewForm(PortalForm):
        overall_comment = TextAreaField(_l("Nhận xét chung"), validators=[Optional(), Length(max=5000)])
        recommendation = RadioField(_l("Kiến nghị"), choices=[SelectChoice("pass", _l("Đạt")), SelectChoice("fail", _l("Không đạt"))],
                                    validators=[Optional()])
        save = SubmitField(_l("Lưu nháp"))
        submit_review = SubmitField(_l("Nộp phiếu chấm"))

    for c in criteria:
        setattr(ReviewForm, f"score_{c.code}", ScoreField(
            _l("Điểm (%(low)s–%(high)s)", low=c.min_score, high=c.max_score),
            validators=[Optional(), NumberRange(c.min_score, c.max_score,
                                                _l("Điểm phải từ %(min)s đến %(max)s."))],
            render_kw={"min": c.min_score, "max": c.max_score, "inputmode": "numeric"},
            description=c.guidance))
        setattr(ReviewForm, f"comment_{c.code}", TextAreaField(
            _l("Nhận xét"), validators=[Optional(), Length(max=3000)]))
    ReviewForm.criteria = criteria
    return ReviewForm


OUTCOME_CHOICES = [
    SelectChoice("recognized", _l("Công nhận sáng kiến cấp cơ sở")),
    SelectChoice("rejected", _l("Không công nhận")),
    SelectChoice("returned", _l("Trả lại để hoàn thiện (vòng thẩm định mới)")),
]


class DecisionForm(ConfirmMixin, PortalForm):
    outcome = RadioField(_l("Kết quả"), choices=OUTCOME_CHOICES, validators=[InputRequired(_l("Chọn kết quả."))])
    decision_no = StringField(_l("Số quyết định"), validators=[Optional(), Length(max=64)],
                              description=_l("Ví dụ: 45/QĐ-VKS. Bắt buộc khi công nhận hoặc không công nhận."))
    decision_date = DateField(_l("Ngày quyết định"), validators=[Optional()])
    reason = TextAreaField(_l("Lý do / nội dung cần hoàn thiện"), validators=[Optional(), Length(max=5000)],
                           description=_l("Bắt buộc khi kết quả khác với đề xuất của hệ thống, "
                                          "và khi trả lại để hoàn thiện."))
    submit = SubmitField(_l("Ghi nhận quyết định"))


class BatchDecisionForm(ConfirmMixin, PortalForm):
    ids = SelectMultipleField(_l("Sáng kiến"), coerce=int, validate_choice=False)
    year = HiddenField()
    decision_no = StringField(_l("Số quyết định"), validators=[DataRequired(REQUIRED), Length(max=64)])
    decision_date = DateField(_l("Ngày quyết định"), validators=[DataRequired(REQUIRED)])
    submit = SubmitField(_l("Quyết định theo đề xuất cho các sáng kiến đã chọn"))


class HigherLevelForm(PortalForm):
    status = SelectField(_l("Kết quả"), choices=[
        SelectChoice("proposed", _l("Đề nghị")),
        SelectChoice("recognized", _l("Được công nhận")),
        SelectChoice("not_recognized", _l("Không được công nhận")),
    ])
    decision_no = StringField(_l("Số quyết định"), validators=[Optional(), Length(max=64)])
    decision_date = DateField(_l("Ngày quyết định"), validators=[Optional()])
    submit = SubmitField(_l("Ghi nhận"))


class CriterionForm(PortalForm):
    class Meta:
        csrf = False  # part of RubricForm, which carries the token

    code = StringField(_l("Mã"), validators=[Optional(), Length(max=32)])
    name = StringField(_l("Tên tiêu chí"), validators=[Optional(), Length(max=200)])
    guidance = TextAreaField(_l("Hướng dẫn chấm"), validators=[Optional(), Length(max=2000)])
    max_score = IntegerField(_l("Điểm tối đa"), validators=[Optional(), NumberRange(1, 1000)])
    remove = BooleanField(_l("Xóa"))


class RubricForm(PortalForm):
    recognition_threshold = IntegerField(_l("Ngưỡng công nhận cấp cơ sở (điểm trung bình)"),
                                         validators=[InputRequired(REQUIRED), NumberRange(1, 1000)])
    sector_threshold = IntegerField(_l("Ngưỡng đề nghị cấp Ngành (điểm trung bình)"),
                                    validators=[InputRequired(REQUIRED), NumberRange(1, 1000)])
    approval_numerator = IntegerField(_l("Tỷ lệ thành viên đề nghị “đạt”: tử số"),
                                      validators=[InputRequired(REQUIRED), NumberRange(1, 100)])
    approval_denominator = IntegerField(_l("mẫu số"), validators=[InputRequired(REQUIRED), NumberRange(1, 100)])
    novelty_zero_rule = BooleanField(_l("Không công nhận khi có thành viên chấm 0 điểm tính mới"))
    criteria = FieldList(FormField(CriterionForm), min_entries=1)
    submit = SubmitField(_l("Lưu bộ tiêu chí"))
