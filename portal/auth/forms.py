from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, Optional

from portal.core.forms import PortalForm

try:
    from wtforms.fields.choices import SelectChoice
except ImportError:  # WTForms before 3.3 takes plain pairs
    SelectChoice = None


def option(value, label):
    """One choice of a select; WTForms 3.3 deprecates plain (value, label) pairs."""
    return SelectChoice(value, label) if SelectChoice else (value, label)


class LoginForm(PortalForm):
    username = StringField(_l("Tên đăng nhập"), validators=[DataRequired(_l("Vui lòng nhập tên đăng nhập.")), Length(max=64)])
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(_l("Vui lòng nhập mật khẩu.")), Length(max=256)])
    remember = BooleanField(_l("Ghi nhớ đăng nhập trên máy này"))


class PasswordForm(PortalForm):
    current = PasswordField(_l("Mật khẩu hiện tại"), validators=[DataRequired(_l("Vui lòng nhập mật khẩu hiện tại."))])
    new = PasswordField(_l("Mật khẩu mới"), validators=[DataRequired(_l("Vui lòng nhập mật khẩu mới.")), Length(max=256)])
    confirm = PasswordField(_l("Nhập lại mật khẩu mới"), validators=[
        DataRequired(_l("Vui lòng nhập lại mật khẩu mới.")),
        EqualTo("new", _l("Hai lần nhập mật khẩu mới không khớp.")),
    ])


class TokenForm(PortalForm):
    name = StringField(_l("Tên gợi nhớ của khóa"), validators=[DataRequired(_l("Vui lòng đặt tên cho khóa.")), Length(max=100)])
    days = SelectField(_l("Thời hạn"), coerce=int)  # choices: services.token_days_choices()


DELIVERY_CHOICES = (
    ("immediate", _l("Gửi e-mail ngay khi có thông báo")),
    ("digest", _l("Gửi một thư tóm tắt mỗi ngày")),
    ("in_app", _l("Chỉ xem trên Cổng, không gửi e-mail")),
)


class DeliveryForm(PortalForm):
    delivery = RadioField(_l("Nhận thông báo qua e-mail"), choices=[option(v, label) for v, label in DELIVERY_CHOICES],
                          validators=[InputRequired(_l("Vui lòng chọn một cách nhận thông báo."))])


class ProfileForm(PortalForm):
    """What the application form prints of its author besides the name, unit and position."""
    birth_date = DateField(_l("Ngày sinh"), validators=[Optional()],
                           render_kw={"max": "9999-12-31"})
    qualification = StringField(_l("Trình độ chuyên môn"), validators=[
        Length(max=200, message=_l("Tối đa 200 ký tự."))], description=_l("Ví dụ: Cử nhân Luật, Thạc sĩ Luật."))
