"""Wagtail seams of the school calendar: the next dates in "my space"."""

from wagtail import hooks

#: How many upcoming dates "my space" shows.
MY_SPACE_ENTRIES = 5


@hooks.register("my_space_sections")
def upcoming_dates(request, context):
    from .entries import entries_for

    # The home's feed read the homework of the weeks ahead already (class_blog.feed.home_context).
    context["calendar_entries"] = entries_for(request.user, homework_ahead=context.get("homework_ahead"))[:MY_SPACE_ENTRIES]
    return "school_calendar/includes/upcoming.html"
