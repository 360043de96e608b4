from conversations.sending import start_thread
from ent_pages.access import policy


def contact_to(sender, recipient, kind=None):
    """The sender's allowed contact that reaches `recipient` (and only them when possible)."""
    matches = [c for c in policy.conversation_contacts(sender)
               if any(uid == recipient.pk for uid, _g, _f in c.recipients) and (kind is None or c.kind == kind)]
    matches.sort(key=lambda c: len(c.recipients))
    return matches[0] if matches else None


def thread_between(sender, recipient, subject="Une question", text="Bonjour", **kwargs):
    thread, _message = start_thread(sender, contact_to(sender, recipient), subject=subject, text=text, **kwargs)
    return thread
