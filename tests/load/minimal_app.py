"""The smallest Flask app, served exactly like the portal, to show the framework's own limit.

gunicorn loads it as `minimal_app:create()` with the same gunicorn.conf.py.
"""
from flask import Flask


def create():
    app = Flask(__name__)

    @app.get("/")
    def hello():
        return "Xin chào"

    return app
