"""The portal plus one download route through `send_stored_file`, for the reverse-proxy test.

gunicorn loads it as `proxy_app:create()`; the production app is `portal:create_app()`.
"""
from pathlib import Path

from flask import abort, current_app

from portal import create_app
from portal.core.files import send_stored_file


def create():
    app = create_app()

    @app.get("/_proxy-test/download/<stored_name>")
    def proxy_test_download(stored_name):
        try:
            return send_stored_file(Path(current_app.config["UPLOAD_FOLDER"], stored_name),
                                    "Báo cáo sáng kiến 2026.pdf",
                                    mimetype="application/pdf")
        except FileNotFoundError:
            abort(404)

    return app
