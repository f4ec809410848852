"""Question sets: versions, one version's texts, and a new version edited from the active one."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from survey.admin import bp
from survey.admin.forms import QuestionSetForm
from survey.admin.pages import form_status
from survey.admin.question_sets import NewVersionRefused, new_version, versions
from survey.authz import admin_required
from survey.extensions import db
from survey.models import QuestionSet
from survey.questions import active_question_set
from survey.vocabulary import FACTOR_LABELS


@bp.get("/questions")
@admin_required
def questions():
    return render_template("admin/questions/list.html", versions=versions())


@bp.get("/questions/<int:set_id>")
@admin_required
def questions_show(set_id: int):
    return render_template("admin/questions/show.html", qset=db.get_or_404(QuestionSet, set_id))


@bp.route("/questions/new", methods=["GET", "POST"])
@admin_required
def questions_new():
    current = active_question_set()
    form = QuestionSetForm()
    if not form.is_submitted():
        for question in current.questions:
            form.questions.append_entry(
                {
                    "text_vi": question.text_vi,
                    "text_en": question.text_en,
                    "options": [{"label_vi": o.label_vi, "label_en": o.label_en} for o in question.options],
                }
            )
    for entry, question in zip(form.questions.entries, current.questions, strict=False):
        entry.form.text_vi.label.text = _("%(key)s, in Vietnamese", key=question.key)
        entry.form.text_en.label.text = _("%(key)s, in English", key=question.key)
        for number, option in enumerate(entry.form.options.entries, start=1):
            option.form.label_vi.label.text = _("%(key)s, answer %(n)d, in Vietnamese", key=question.key, n=number)
            option.form.label_en.label.text = _("%(key)s, answer %(n)d, in English", key=question.key, n=number)
    if form.validate_on_submit():
        if len(form.questions.entries) != len(current.questions) or any(
            len(entry.form.options.entries) != len(question.options)
            for entry, question in zip(form.questions.entries, current.questions, strict=False)
        ):
            flash(_("The form did not match the active question set; please edit it again."), "error")
            return redirect(url_for(".questions_new"), 303)
        try:
            qset = new_version(
                [(entry.form.text_vi.data, entry.form.text_en.data) for entry in form.questions],
                [
                    [(option.form.label_vi.data, option.form.label_en.data) for option in entry.form.options]
                    for entry in form.questions
                ],
            )
        except NewVersionRefused as refusal:
            flash(str(refusal))
        else:
            flash(_("Version %(version)d is now active; earlier answers keep their version.", version=qset.version))
            return redirect(url_for(".questions"), 303)
    pairs = list(zip(form.questions.entries, current.questions, strict=False))
    return render_template(
        "admin/questions/form.html", form=form, pairs=pairs, current=current, factor_labels=FACTOR_LABELS
    ), form_status(form)
