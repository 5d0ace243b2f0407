"""Migration 0012 (emulation_uses): the appraisal windows an officer set in the emulation settings
move to the year they belong to; the new settings take their defaults."""
import sqlalchemy as sa

from portal import create_app
from portal.extensions import db
from tests.production.helpers import scratch_database
from tests.test_migrations import run


def test_windows_move_to_the_year_and_new_settings_take_their_defaults(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with scratch_database(tmp_path, "uses") as url:
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                          "INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "uses"})
        run(app, "upgrade", "year_rules")
        with app.app_context():
            with db.engine.begin() as conn:
                conn.execute(sa.text("INSERT INTO year (year, note, is_open, filing_window_days, decision_due_days,"
                                     " similarity_percent) VALUES (2024, '', true, 365, 60, 80), "
                                     "(2025, '', true, 365, 90, 80)"))
                for year in (2024, 2025):
                    conn.execute(sa.text(
                        "INSERT INTO emulation_settings (year, min_author_share, allow_previous_year, "
                        "one_use_per_level, article_quota, require_registration, grassroots_cap_percent, "
                        "sector_consecutive_years, sector_cycle_years, filing_window_days, decision_due_days, "
                        "approval_fraction, updated_at) VALUES (:y, 0, false, true, 2, false, 15, 3, 3, 30, 45, "
                        "0.5, '2024-01-01 00:00:00')"), {"y": year})
            db.engine.dispose()
        run(app, "upgrade", "head")
        with app.app_context():
            with db.engine.connect() as conn:
                years = conn.execute(sa.text(
                    "SELECT year, filing_window_days, decision_due_days FROM year ORDER BY year")).all()
                settings = conn.execute(sa.text(
                    "SELECT article_quota, one_use_per_initiative, cap_minimum_one, national_in_following_year, "
                    "min_service_months, leave_flag_months FROM emulation_settings WHERE year = 2024")).one()
            db.engine.dispose()
    # 2024's decision window was the admin's own (60): kept; the defaults took the officer's values.
    assert [tuple(r) for r in years] == [(2024, 30, 60), (2025, 30, 45)]
    assert (settings[0], bool(settings[1]), bool(settings[2]), bool(settings[3]), settings[4], settings[5]) == (
        2, True, True, True, 6, 3)


def test_old_awards_without_their_recognition_are_marked_use_unknown(tmp_path, monkeypatch):
    """Migration title_refusals: the rows the old recorder wrote (a title above LĐTT, initiative_id null)
    are marked, the others not."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with scratch_database(tmp_path, "unknown_uses") as url:
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                          "INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "uses"})
        run(app, "upgrade", "documents")
        with app.app_context():
            with db.engine.begin() as conn:
                conn.execute(sa.text("INSERT INTO unit (id, name, kind, active) VALUES (1, 'Phòng 1', 'department', "
                                     "true)"))
                conn.execute(sa.text(
                    "INSERT INTO \"user\" (id, username, password_hash, full_name, unit_id, position, is_leader, "
                    "qualification, active, notification_delivery, created_at, session_version) VALUES "
                    "(1, 'ksv.hung', 'x', 'Lê Văn Hùng', 1, '', false, '', true, 'immediate', "
                    "'2021-01-01 00:00:00', 1)"))
                for year, title in ((2020, "advanced_worker"), (2020, "emulation_soldier_grassroots"),
                                    (2021, "emulation_soldier_sector")):
                    conn.execute(sa.text(
                        "INSERT INTO title_award (user_id, year, title, decision_no, reason, created_at) "
                        "VALUES (1, :y, :t, '', '', '2021-01-05 00:00:00')"), {"y": year, "t": title})
            db.engine.dispose()
        run(app, "upgrade", "head")
        with app.app_context():
            with db.engine.connect() as conn:
                marked = conn.execute(sa.text(
                    "SELECT year, title, use_unknown FROM title_award ORDER BY year, title")).all()
            db.engine.dispose()
    assert [(r[0], r[1], bool(r[2])) for r in marked] == [
        (2020, "advanced_worker", False), (2020, "emulation_soldier_grassroots", True),
        (2021, "emulation_soldier_sector", True)]
