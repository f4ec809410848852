"""A write that loses a race on a unique constraint answers 409 and stores nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from survey.models import Agency


def test_integrity_error_becomes_409_not_500(app, db, city):
    @app.post("/__race")
    def race():  # the second of two concurrent creates, replayed deterministically
        db.session.add(Agency(code="Q1", name_vi="x", name_en="x", kind="district", peer_group="district"))
        db.session.add(Agency(code="NEW-PARTIAL", name_vi="y", name_en="y", kind="ward", peer_group="ward"))
        db.session.commit()
        return "stored"

    app.config["WTF_CSRF_ENABLED"] = False
    response = app.test_client().post("/__race")
    assert response.status_code == 409
    assert db.session.scalar(select(func.count()).where(Agency.code == "NEW-PARTIAL")) == 0
