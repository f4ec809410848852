"""``flask --app wsgi …`` command groups, registered by the app factory."""

from flask import Flask


def register_commands(app: Flask) -> None:
    from survey.cli.apikey import apikey
    from survey.cli.cases import cases
    from survey.cli.demo import demo
    from survey.cli.integrity import integrity
    from survey.cli.jobs import jobs
    from survey.cli.ranking import ranking
    from survey.cli.translate import translate
    from survey.notify.cli import outbox
    from survey.privacy.cli import retention

    for group in (apikey, cases, demo, integrity, jobs, ranking, translate, outbox, retention):
        app.cli.add_command(group)
