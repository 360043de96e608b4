"""Where conversations plug into the rest of Préau, through Wagtail hooks that other apps fire:
class pages ("Écrire"), "my space" (unread count), the daily digest, retention and the demo."""

from wagtail import hooks

from ent_pages.access import policy


@hooks.register("class_page_sections")
def class_page_write_links(class_page, request, context):
    """"Écrire" to the class's teachers (its families), or to the class's families (its staff).

    The links only prefill the new-thread form, which offers and accepts nothing but the policy's
    contacts: no query here (the teachers come with the page, the scope is remembered).
    """
    user = request.user
    if not user.is_authenticated:
        return None
    context["write_broadcast_class"] = class_page if policy.can_broadcast_to_class(user, class_page) else None
    is_family = class_page.path in policy.scope(user).class_paths and not context["write_broadcast_class"]
    context["write_teachers"] = context.get("teachers", []) if is_family else []
    return "conversations/includes/class_page_write.html"


@hooks.register("my_space_live_sections")
def my_space_unread(request, context):
    """Read at every request, never remembered with the home's other sections (ent_pages.my_space_cache)."""
    from .sending import unread_count_for

    context["my_unread_messages"] = unread_count_for(request)
    return "conversations/includes/my_space_messages.html"


@hooks.register("preau_page_prefetch")
def unread_count_with_the_page(request):
    """The header's unread count is read with the page's other cache values (ent_pages.page_cache)."""
    from .sending import unread_key

    user = getattr(request, "user", None)
    return [unread_key(user.pk)] if user is not None and user.is_authenticated else []


@hooks.register("digest_lines")
def digest_new_messages(due, now):
    """{user id: [line]}: how many new messages wait in Préau (never what they say)."""
    from .digests import new_message_lines

    return new_message_lines(due, now)


@hooks.register("retention_steps")
def conversations_retention(today, dry_run, stdout):
    from .retention import run_retention

    run_retention(today=today, dry_run=dry_run, stdout=stdout)
