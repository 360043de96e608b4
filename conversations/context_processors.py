"""The unread count in the site header (lazy: only computed when a template shows it, then cached)."""

from django.utils.functional import SimpleLazyObject


def unread_messages(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .sending import unread_count_for

    return {"unread_messages": SimpleLazyObject(lambda: unread_count_for(request))}
