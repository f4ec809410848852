"""The floor every ratio is measured against: Flask doing almost nothing.

Served by ``bench.harness`` through the same ``gunicorn.conf.py`` as the real app. Besides
``GET /`` it mimics the survey's two-request shape (a form with a hidden CSRF field and a
session cookie, then a POST answered with 303), so the survey benchmark can drive both
servers with the very same client script.
"""

from __future__ import annotations

from flask import Flask, Response, redirect, request

app = Flask(__name__)
# gunicorn.conf.py's post_worker_init asks every app whether to start the scheduler.
app.config["SCHEDULER_ENABLED"] = False

FORM = (
    '<!doctype html><title>hello</title><form method="post">'
    '<input id="csrf_token" name="csrf_token" type="hidden" value="hello-csrf">'
    "<button>Send</button></form>"
)


@app.get("/")
def hello() -> str:
    return "Hello, World!"


@app.get("/healthz")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.route("/s/<token>", methods=["GET", "POST"])
def form(token: str) -> Response:
    if request.method == "POST":
        if request.form.get("csrf_token") != "hello-csrf":
            return Response("bad form", status=400)
        return redirect("/", code=303)
    response = Response(FORM, mimetype="text/html")
    response.set_cookie("session", "hello", httponly=True, samesite="Lax")
    return response
