"""One template per HTTP error for pages; one JSON shape for the API; one handler per channel
for a Refusal (portal.core.refusal)."""
import errno
from urllib.parse import urlsplit

from flask import flash, jsonify, redirect, render_template, request
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException

from portal.core import forms
from portal.core.refusal import Refusal
from portal.extensions import db

MESSAGES = {
    400: ("Yêu cầu không hợp lệ", "Dữ liệu gửi lên không đúng. Vui lòng kiểm tra và thử lại."),
    401: ("Cần đăng nhập", "Vui lòng đăng nhập để tiếp tục."),
    403: ("Không có quyền truy cập", "Tài khoản của bạn không có quyền thực hiện thao tác này."),
    404: ("Không tìm thấy trang", "Trang hoặc hồ sơ bạn tìm không tồn tại, hoặc bạn không có quyền xem."),
    405: ("Phương thức không được hỗ trợ", "Thao tác này không dùng được theo cách đó."),
    409: ("Không thể thực hiện", "Thao tác không phù hợp với trạng thái hiện tại của hồ sơ."),
    413: ("Tệp quá lớn", "Tệp tải lên vượt quá dung lượng cho phép. Vui lòng chọn tệp nhỏ hơn."),
    422: ("Dữ liệu không hợp lệ", "Một số thông tin chưa đúng. Vui lòng kiểm tra lại."),
    429: ("Quá nhiều lần thử", "Bạn đã thử quá nhiều lần. Vui lòng đợi ít phút rồi thử lại."),
    500: ("Lỗi hệ thống", "Đã có lỗi xảy ra. Dữ liệu của bạn không bị thay đổi; vui lòng thử lại sau."),
    507: ("Máy chủ hết dung lượng", "Máy chủ đã hết dung lượng lưu trữ nên chưa lưu được tệp hoặc dữ liệu "
                                    "của bạn; không có gì bị thay đổi. Vui lòng báo quản trị và thử lại sau."),
}

API_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "payload_too_large",
    422: "unprocessable", 429: "too_many_requests", 500: "server_error", 507: "insufficient_storage",
}

# A full disk (or quota, or file size limit) is the operator's problem, not a bug: say so clearly.
DISK_FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def wants_json():
    return request.path.startswith("/api/")


def api_error(status, message=None, code=None, fields=None):
    """The API's one error shape: {"error": {"code", "message", "fields"?}}."""
    body = {"code": code or API_CODES.get(status, "error"),
            "message": str(message or gettext(MESSAGES.get(status, MESSAGES[500])[1]))}
    if fields:
        body["fields"] = fields
    response = jsonify({"error": body})
    response.status_code = status
    return response


def api_refusal(refusal):
    response = api_error(refusal.status, refusal.message, refusal.code, refusal.field_messages())
    response.headers.update(refusal.headers)
    return response


def _form_page():
    """The same-origin page a POST came from (its form), or None. A form posted from a page that is
    not its own (a confirmation page) names the form's page in a `_back` field."""
    referrer = request.form.get("_back") or request.referrer
    if not referrer:
        return None
    parts = urlsplit(referrer)
    if parts.netloc and parts.netloc != request.host:
        return None
    if not parts.path.startswith("/") or parts.path.startswith("//"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def page_refusal(refusal):
    """A refused form goes back to its page with the input kept; anything else is an error page.

    A 404 never goes back: whoever may not see a thing learns nothing more than that.
    """
    back = _form_page() if request.method == "POST" and refusal.status != 404 else None
    if back is not None:
        forms.keep(back, refusal)
        flash(refusal.message, "error")
        return redirect(back, 303)
    body, status = render_error(refusal.status, refusal.message)
    return body, status, refusal.headers


def render_error(status, message=None):
    """The error page; `message` is already in the reader's language (a Refusal's, say)."""
    title, default = MESSAGES.get(status, MESSAGES[500])
    return render_template("errors/error.html", status=status, title=gettext(title),
                           message=str(message) if message else gettext(default)), status


def install(app):
    @app.errorhandler(Refusal)
    def refused(refusal):
        db.session.rollback()
        return api_refusal(refusal) if wants_json() else page_refusal(refusal)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        message = "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại trang và thử lại."
        if wants_json():
            return api_error(400, message, code="csrf")
        return render_error(400, message)

    @app.errorhandler(HTTPException)
    def http_error(error):
        status = error.code or 500
        description = getattr(error, "portal_message", None)
        if wants_json():
            response = api_error(status, description)
        else:
            response = render_error(status, description)
        if status == 405 and hasattr(error, "valid_methods") and error.valid_methods:
            response = app.make_response(response)
            response.headers["Allow"] = ", ".join(error.valid_methods)
        if status == 429 and getattr(error, "retry_after", None):
            response = app.make_response(response)
            response.headers["Retry-After"] = str(error.retry_after)
        return response

    @app.errorhandler(Exception)
    def unexpected(error):
        if isinstance(error, HTTPException):
            return http_error(error)
        db.session.rollback()
        if isinstance(error, (DataError, OverflowError)):
            # A value the database cannot hold (a number past its integers, say): bad input, not a bug.
            app.logger.warning("refused a value the database cannot hold on %s: %s", request.path, error)
            return api_error(400) if wants_json() else render_error(400)
        if isinstance(error, OSError) and error.errno in DISK_FULL:
            app.logger.error("no space left while handling %s: %s", request.path, error)
            return api_error(507) if wants_json() else render_error(507)
        app.logger.exception("unhandled error on %s", request.path)
        if app.config.get("PROPAGATE_EXCEPTIONS") and app.testing and not app.config.get("TEST_HIDE_500"):
            raise error
        if wants_json():
            return api_error(500)
        return render_error(500)


def abort_with(status, message):
    """Abort with a message for the person (page) or the client (JSON)."""
    from werkzeug.exceptions import default_exceptions

    error = default_exceptions[status]()
    error.portal_message = message
    raise error
