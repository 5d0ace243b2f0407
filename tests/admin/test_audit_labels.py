"""The audit log speaks to people: action labels, accounts by name, details as key: value pairs."""
import ast
import csv
import io

from portal import ROOT
from portal.admin.audit_labels import ACTION_LABELS
from portal.core import audit
from portal.extensions import db


def _recorded_codes():
    """Every action code passed as a literal to audit.record(...) anywhere in the portal."""
    codes = set()
    for path in (ROOT / "portal").rglob("*.py"):
        if "demo" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name != "record":
                continue
            for sub in ast.walk(node.args[0]):
                if isinstance(sub, ast.Constant) and isinstance(sub.value, str) and "." in sub.value \
                        and not sub.value.endswith("."):  # f"initiative.{action}": every Action is labelled
                    codes.add(sub.value)
    return codes


def test_every_recorded_action_has_a_human_label():
    codes = _recorded_codes()
    assert "auth.sign_in" in codes and "admin.user_deactivated" in codes
    assert codes - set(ACTION_LABELS) == set()


def _events(admin, make_user):
    target = make_user("nguoi.dung", full_name="Đỗ Thị Hòa")
    audit.record("auth.sign_in", actor=admin, obj=admin, data={"address": "127.0.0.1"})
    audit.record("admin.user_updated", actor=admin, obj=target,
                 data={"changes": {"full_name": "Đỗ Thị Hòa"}, "active": True})
    audit.record("initiative.accept", actor=admin, object_type="initiative", object_id=7,
                 data={"from": "submitted", "to": "in_review"})
    db.session.commit()
    return target


def test_audit_page_shows_labels_names_and_readable_details(admin_client, admin, make_user):
    _events(admin, make_user)
    page = admin_client.get("/admin/audit").get_data(as_text=True)
    assert ">Đăng nhập<" in page and ">auth.sign_in<" not in page
    assert "Tài khoản người dùng Đỗ Thị Hòa (nguoi.dung)" in page and "user #" not in page
    assert "Đỗ Thị Hòa" in page and "\\u0110" not in page and "{&#34;" not in page
    assert "Từ:</dt> <dd>Đã nộp, chờ sơ duyệt" in page and "Sang:</dt> <dd>Đang thẩm định" in page
    assert '<option value="auth.sign_in">Đăng nhập</option>' in page


def test_audit_page_in_english(admin_client, admin, make_user):
    _events(admin, make_user)
    page = admin_client.get("/admin/audit?lang=en").get_data(as_text=True)
    assert ">Sign in<" in page and "User account Đỗ Thị Hòa (nguoi.dung)" in page
    assert "From:</dt> <dd>Submitted, awaiting screening" in page


def test_audit_csv_has_labels_and_readable_details(admin_client, admin, make_user):
    _events(admin, make_user)
    rows = list(csv.DictReader(io.StringIO(admin_client.get("/admin/audit.csv").data.decode("utf-8-sig"))))
    by_action = {row["action"]: row for row in rows}
    assert by_action["auth.sign_in"]["action_label"] == "Đăng nhập"
    updated = by_action["admin.user_updated"]
    assert updated["object"] == "Tài khoản người dùng Đỗ Thị Hòa (nguoi.dung)"
    assert updated["details"] == "Thay đổi: full name: Đỗ Thị Hòa; Đang hoạt động: Có"
    assert "\\u" not in updated["data"] and "Đỗ Thị Hòa" in updated["data"]


def test_every_audit_label_has_an_english_translation():
    from babel.messages.pofile import read_po

    from portal.admin.audit_labels import KEY_LABELS, OBJECT_LABELS

    translated = set()
    for catalogue in ROOT.glob("portal/**/translations/en/LC_MESSAGES/messages.po"):
        with catalogue.open("rb") as f:
            translated |= {m.id for m in read_po(f) if isinstance(m.id, str) and m.string}
    labels = {*ACTION_LABELS.values(), *OBJECT_LABELS.values(), *KEY_LABELS.values()}
    assert labels - translated == set()
