"""Conversations reacting to the ground floor's events (ent_pages.events)."""

from django.dispatch import receiver

from ent_pages.events import demo_seeded, new_device_signed_in


@receiver(demo_seeded, dispatch_uid="conversations-demo")
def seed_demo(sender, city, stdout=None, **kwargs):
    """The demo threads (a question and its answer, a broadcast, a partner exchange, a report)."""
    from .demo import seed_conversations

    seed_conversations(stdout)


@receiver(new_device_signed_in, dispatch_uid="conversations-new-device-pause")
def pause_sending_after_new_device(sender, user, **kwargs):
    """A sign-in from a new device pauses the account's sending until the school confirms (hijacked accounts)."""
    from .sending import pause_after_new_device

    pause_after_new_device(user)
