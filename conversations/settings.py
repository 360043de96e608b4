"""Tunable limits of conversations, read from Django settings with these defaults."""

from django.conf import settings

DEFAULTS = {
    # A sender may recall a message this long after sending it, while nobody has read it.
    "PREAU_CONVERSATIONS_RECALL_MINUTES": 15,
    # New threads per sender and rolling day (a broadcast counts as one).
    "PREAU_CONVERSATIONS_FAMILY_THREADS_PER_DAY": 3,
    "PREAU_CONVERSATIONS_STAFF_THREADS_PER_DAY": 200,
    # More than this many messages within the window locks the account's sending until a director clears it.
    "PREAU_CONVERSATIONS_BURST_MESSAGES": 30,
    "PREAU_CONVERSATIONS_BURST_SECONDS": 60,
    # Threads are archived after their school year and deleted this many years after its end (CNIL).
    "PREAU_CONVERSATIONS_RETENTION_YEARS": 1,
    # Longest message accepted (characters).
    "PREAU_CONVERSATIONS_MAX_LENGTH": 5000,
}


def get(name):
    return getattr(settings, name, DEFAULTS[name])
