"""Question sets: a new version from edited texts; earlier responses keep the version they answered."""

from __future__ import annotations

from sqlalchemy import select

from survey.models import AuditLog, QuestionSet, Response
from survey.questions import active_question_set
from tests import factories
from tests.actions import post_form, text_of
from tests.admin.helpers import audit_count
from tests.publication.helpers import SEPT


def texts(qset: QuestionSet, **changes: str) -> dict:
    data = {}
    for index, question in enumerate(qset.questions):
        data[f"questions-{index}-text_vi"] = changes.get(f"{question.key}_vi", question.text_vi)
        data[f"questions-{index}-text_en"] = changes.get(f"{question.key}_en", question.text_en)
        for number, option in enumerate(question.options):
            name = f"questions-{index}-options-{number}"
            data[f"{name}-label_vi"] = changes.get(f"{question.key}_{option.value}_vi", option.label_vi)
            data[f"{name}-label_en"] = changes.get(f"{question.key}_{option.value}_en", option.label_en)
    return data


def test_edit_form_starts_from_the_active_texts(admin_client, db):
    current = active_question_set()
    html = admin_client.get("/admin/questions/new").get_data(as_text=True)
    assert all(q.text_en in html for q in current.questions)


def test_new_version_is_activated_and_old_responses_keep_theirs(admin_client, db):
    factories.responses("Q1-BN", 3, 1, SEPT)
    first = active_question_set()
    data = texts(first, ease_en="Was the procedure simple?", ease_vi="Thủ tục có đơn giản không?")
    assert post_form(admin_client, "/admin/questions/new", data).status_code == 303
    db.session.expire_all()
    current = active_question_set()
    assert current.version == 2 and not db.session.get(QuestionSet, first.id).active
    assert [q.key for q in current.questions] == [q.key for q in first.questions]
    assert [q.kind for q in current.questions] == [q.kind for q in first.questions]
    assert current.questions[3].text_en == "Was the procedure simple?"
    assert set(db.session.scalars(select(Response.question_set_id))) == {first.id}
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "question_set.create"))
    assert entry.before["active_version"] == 1 and entry.after["active_version"] == 2
    assert entry.after["texts"]["ease"]["vi"] == "Thủ tục có đơn giản không?"
    listing = text_of(admin_client.get("/admin/questions?lang=en"))
    assert "Version 2 active" in listing and "Version 1 retired" in listing


def test_unchanged_texts_make_no_version(admin_client, db):
    first = active_question_set()
    response = post_form(admin_client, "/admin/questions/new?lang=en", texts(first))
    assert response.status_code == 200 and "No text was changed" in text_of(response)
    assert db.session.scalar(select(QuestionSet.version).order_by(QuestionSet.version.desc())) == 1


def test_bad_texts_are_refused(admin_client, db):
    first = active_question_set()
    data = texts(first, overall_vi="", courtesy_en="<b>bold</b>")
    response = post_form(admin_client, "/admin/questions/new?lang=en", data)
    assert response.status_code == 422
    page = text_of(response)
    assert "overall, in Vietnamese: This field is required." in page
    assert "courtesy, in English: Must not contain < or >." in page
    assert active_question_set().version == 1 and audit_count() == 0


def test_a_tampered_question_count_makes_no_version(admin_client, db):
    first = active_question_set()
    data = texts(first, overall_en="Changed")
    data = {key: value for key, value in data.items() if not key.startswith("questions-8-")}
    response = post_form(admin_client, "/admin/questions/new", data)
    assert response.status_code == 303
    assert active_question_set().version == 1 and audit_count() == 0


def test_an_option_label_changes_in_a_new_version_and_old_answers_keep_theirs(admin_client, db):
    from survey.models import Answer, QuestionOption

    first = active_question_set()
    factories.responses_with_drivers("Q1-BN", [(5, {"timeliness": 3})], SEPT)
    data = texts(first, timeliness_3_en="After the promised day", timeliness_3_vi="Sau ngày hẹn")
    assert post_form(admin_client, "/admin/questions/new", data).status_code == 303
    db.session.expire_all()
    current = active_question_set()
    late = next(o for q in current.questions if q.key == "timeliness" for o in q.options if o.value == 3)
    assert current.version == 2 and late.label_en == "After the promised day" and late.positive is False
    answer = db.session.scalar(select(Answer))
    old = db.session.scalar(
        select(QuestionOption).where(QuestionOption.question_id == answer.question_id, QuestionOption.value == 3)
    )
    assert old.label_en == "Later than promised" and answer.question.question_set_id == first.id


def test_the_editor_previews_both_languages_and_says_old_answers_keep_their_version(admin_client, db):
    page = text_of(admin_client.get("/admin/questions/new?lang=en"))
    assert "Sớm hơn ngày hẹn" in page and "Earlier than promised" in page
    assert "keep the version they answered" in page
