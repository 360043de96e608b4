"""Conversations reacting to the ground floor's events (ent_pages.events)."""

from django.dispatch import receiver

from ent_pages.events import demo_seeded


@receiver(demo_seeded, dispatch_uid="conversations-demo")
def seed_demo(sender, city, stdout=None, **kwargs):
    """The demo threads (a question and its answer, a broadcast, a partner exchange, a report)."""
    from .demo import seed_conversations

    seed_conversations(stdout)
