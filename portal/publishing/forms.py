"""Forms of the editor's work."""
from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from portal.core.forms import PortalForm


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PublishForm(PortalForm):
    public_summary = TextAreaField(
        "Tóm tắt công bố",
        validators=[Optional(), Length(max=3000, message="Tóm tắt tối đa 3.000 ký tự.")],
        description=_l("Để trống để dùng tóm tắt của tác giả. Viết ngắn gọn, dễ hiểu cho người đọc."),
    )
    attachments = MultiCheckboxField(
        "Tệp đính kèm công khai", coerce=int, validate_choice=True,
        description=_l("Chỉ các tệp được chọn mới cho phép người đọc tải về."),
    )


class UnpublishForm(PortalForm):
    reason = TextAreaField(
        "Lý do gỡ bài",
        validators=[DataRequired(message="Vui lòng nêu lý do gỡ bài."),
                    Length(min=5, max=2000, message="Lý do cần từ 5 đến 2.000 ký tự.")],
        description=_l("Lý do được ghi vào nhật ký và gửi tới các tác giả."),
    )
