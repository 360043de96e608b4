"""Demo conversations (seeded through the ``ent_pages.events.demo_seeded`` signal): a parent's question and the teacher's
answer, a class broadcast, a partner-class exchange and a reported message. Idempotent."""

from django.db import transaction

from ent_pages.access import policy
from ent_pages.models import ClassPage, User

from .models import Participant, Report, Thread
from .sending import post_message, send_broadcast, start_thread


def _user(username):
    return User.objects.filter(username=username).first()


def _contact(sender, match):
    return next((c for c in policy.conversation_contacts(sender) if match(c)), None)


def _start(sender, recipient, subject, text, kind=None):
    if Thread.objects.filter(created_by=sender, subject=subject).exists():
        return None
    contact = _contact(sender, lambda c: any(uid == recipient.pk for uid, _g, _f in c.recipients)
                       and (kind is None or c.kind == kind) and not c.key.startswith("g"))
    if contact is None:
        return None
    thread, _message = start_thread(sender, contact, subject=subject, text=text)
    return thread


def _reply(user, thread, text):
    participation = Participant.objects.get(thread=thread, user=user)
    post_message(user, thread, participation, text=text)


@transaction.atomic
def seed_conversations(stdout=None):
    parent, teacher = _user("parent.ce1b"), _user("enseignant.ferry.ce1-b")
    partner_teacher, fratrie = _user("enseignant.michel.ce2-cm1"), _user("parent.fratrie")
    cm2_teacher = _user("enseignant.ferry.cm2-a")
    if not (parent and teacher):
        return
    created = []
    thread = _start(parent, teacher, "Sortie au musée : pique-nique ?",
                    "Bonjour Madame, faut-il prévoir un pique-nique pour la sortie de jeudi ? Merci, bonne journée.")
    if thread:
        _reply(teacher, thread, "Bonjour, oui : un pique-nique et une gourde, sans bouteille en verre. Bonne journée !")
        created.append(thread)
    ce1b = ClassPage.objects.filter(url_path__endswith="/ce1-b/").first()
    if ce1b and not Thread.objects.filter(broadcast__sender=teacher, subject="Réunion de rentrée").exists():
        broadcast = send_broadcast(teacher, ce1b, subject="Réunion de rentrée",
                                   text="Chères familles, la réunion de rentrée aura lieu mardi à 17 h 30 en classe.")
        created += list(broadcast.threads.all())
    if partner_teacher:
        thread = _start(teacher, partner_teacher, "Correspondance : nos lettres", "Bonjour ! Nos CE1 ont écrit leurs "
                        "lettres à vos élèves ; je les envoie vendredi.", kind="partner")
        if thread:
            _reply(partner_teacher, thread, "Merci ! Les CE2-CM1 répondront avant les vacances.")
            created.append(thread)
    if fratrie and cm2_teacher:
        thread = _start(fratrie, cm2_teacher, "Devoirs de Lina", "Ces devoirs sont n'importe quoi, c'est inadmissible !!!")
        if thread:
            Report.objects.create(thread=thread, reporter=cm2_teacher,
                                  context="Ton agressif ; je préfère que la direction reprenne l'échange.")
            created.append(thread)
    # Demo data: no notification emails for it.
    Participant.objects.filter(thread__in=created).update(notify_due_at=None)
    if stdout and created:
        stdout.write(f"Demo conversations: {len(created)} threads (log in as parent.ce1b, enseignant.ferry.ce1-b, "
                     f"directeur.ferry).")
    return created
