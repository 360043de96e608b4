"""Where push plugs into the rest of Préau: the notification settings page lists and manages devices."""

from wagtail import hooks

from ent_pages.access import policy


@hooks.register("notification_preferences_sections")
def push_devices(request, context):
    """This device's subscribe button and the user's subscribed devices (one query)."""
    from .models import PushKind
    from .vapid import public_key

    if not policy.may_receive_push(request.user):
        return None
    context["push_subscriptions"] = list(request.user.push_subscriptions.all())
    context["push_public_key"] = public_key()
    context["push_kinds"] = PushKind.choices
    return "push/includes/preferences_section.html"
