from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    username = StringField("Tên đăng nhập", validators=[DataRequired("Vui lòng nhập tên đăng nhập."), Length(max=64)])
    password = PasswordField("Mật khẩu", validators=[DataRequired("Vui lòng nhập mật khẩu."), Length(max=256)])
    remember = BooleanField("Ghi nhớ đăng nhập trên máy này")


class PasswordForm(FlaskForm):
    current = PasswordField("Mật khẩu hiện tại", validators=[DataRequired("Vui lòng nhập mật khẩu hiện tại.")])
    new = PasswordField("Mật khẩu mới", validators=[DataRequired("Vui lòng nhập mật khẩu mới."), Length(max=256)])
    confirm = PasswordField("Nhập lại mật khẩu mới", validators=[
        DataRequired("Vui lòng nhập lại mật khẩu mới."),
        EqualTo("new", "Hai lần nhập mật khẩu mới không khớp."),
    ])


class TokenForm(FlaskForm):
    name = StringField("Tên gợi nhớ của khóa", validators=[DataRequired("Vui lòng đặt tên cho khóa."), Length(max=100)])
