"""Reply slips (coupons-réponses): a note asks each family a question, one answer per child.

Either guardian of a child may answer for it (the latest answer counts, and says who gave it); the
sender sees a table of answers per child, exports it, and reminds the families who have not answered
(the note's reminder, so quiet hours apply as for any note).
"""


from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ent_pages.models import Pupil

from .models import AnswerKind, NoteAnswer, NoteRecipient

TEXT_MAX = 500


class AnswerRefused(ValueError):
    """An answer that does not fit the question: its message is shown to the family."""


def answerable_pupils(note, user):
    """The children `user` may answer for: those the delivered note reached through them as a guardian."""
    if not note.asks_answer or not note.is_delivered or user is None or not user.is_authenticated:
        return Pupil.objects.none()
    pupil_ids = NoteRecipient.objects.filter(note=note, guardian__user=user).values("pupil_id")
    return Pupil.objects.filter(pk__in=pupil_ids).order_by("first_name", "pk")


def clean_value(note, raw):
    """The answer as stored, or AnswerRefused with a French message."""
    value = " ".join((raw or "").split())
    if not value:
        raise AnswerRefused(_("Please choose or write an answer."))
    if note.answer_kind == AnswerKind.YES_NO:
        if value not in ("yes", "no"):
            raise AnswerRefused(_("Please answer yes or no."))
        return value
    if note.answer_kind == AnswerKind.CHOICE:
        if value not in note.choice_list:
            raise AnswerRefused(_("Please pick one of the proposed answers."))
        return value
    if len(value) > TEXT_MAX:
        raise AnswerRefused(_("Your answer is too long (%(max)d characters at most).") % {"max": TEXT_MAX})
    return value


@transaction.atomic
def record_answer(note, user, pupil_id, raw_value, now=None):
    """Store the answer of `user` for one child; answering also acknowledges the note for them."""
    from .notes import acknowledge

    pupil = answerable_pupils(note, user).filter(pk=pupil_id).first()
    if pupil is None:
        raise AnswerRefused(_("You cannot answer for this child."))
    value = clean_value(note, raw_value)
    now = now or timezone.now()
    NoteAnswer.objects.update_or_create(
        note=note, pupil=pupil, defaults={"value": value, "answered_by": user, "answered_at": now}
    )
    acknowledge(note, user, now)
    return pupil


def display_value(note, value):
    if note.answer_kind == AnswerKind.YES_NO:
        return {"yes": _("yes"), "no": _("no")}.get(value, value)
    return value


def answer_rows(note):
    """One row per child the note reached: (pupil, answer or None), children by name. Two queries."""
    answers = {a.pupil_id: a for a in note.answers.select_related("answered_by")}
    pupils = Pupil.objects.filter(pk__in=note.recipients.values("pupil_id")).order_by("last_name", "first_name", "pk")
    rows = []
    for pupil in pupils:
        answer = answers.get(pupil.pk)
        if answer is not None:
            answer.display = display_value(note, answer.value)
        rows.append({"pupil": pupil, "answer": answer})
    return rows


def answer_summary(note, rows):
    """{answer shown: count} and the number of children without answer."""
    counts, missing = {}, 0
    for row in rows:
        if row["answer"] is None:
            missing += 1
        else:
            counts[row["answer"].display] = counts.get(row["answer"].display, 0) + 1
    return sorted(counts.items()), missing


def export_rows(note):
    for row in answer_rows(note):
        answer = row["answer"]
        yield [
            row["pupil"].last_name, row["pupil"].first_name,
            answer.display if answer else "",
            answer.answered_by.get_full_name() if answer and answer.answered_by else "",
            timezone.localtime(answer.answered_at).strftime("%d/%m/%Y %H:%M") if answer else "",
        ]
