"""Where conversations plug into the rest of Préau, through Wagtail hooks that other apps fire:
class pages ("Écrire"), "my space" (unread count), the daily digest, retention and the demo."""

from wagtail import hooks

from ent_pages.access import policy


@hooks.register("class_page_sections")
def class_page_write_links(class_page, request, context):
    """"Écrire" to the class's teachers (families), or to the class's families (its staff)."""
    user = request.user
    if not user.is_authenticated:
        return None
    context["write_links"] = [
        (c.key, c.label) for c in policy.conversation_contacts(user)
        if c.kind == "family" and c.class_page_id == class_page.pk and "pupil_id" in c.sender_grounds
        and c.key.startswith("t")
    ]
    context["write_broadcast_class"] = class_page if policy.can_broadcast_to_class(user, class_page) else None
    return "conversations/includes/class_page_write.html"


@hooks.register("my_space_sections")
def my_space_unread(request, context):
    from .sending import unread_count

    context["my_unread_messages"] = unread_count(request.user)
    return "conversations/includes/my_space_messages.html"


@hooks.register("digest_lines")
def digest_new_messages(due, now):
    """{user id: [line]}: how many new messages wait in Préau (never what they say)."""
    from .digests import new_message_lines

    return new_message_lines(due, now)


@hooks.register("retention_steps")
def conversations_retention(today, dry_run, stdout):
    from .retention import run_retention

    run_retention(today=today, dry_run=dry_run, stdout=stdout)


@hooks.register("seed_demo")
def conversations_demo(stdout):
    from .demo import seed_conversations

    seed_conversations(stdout)
