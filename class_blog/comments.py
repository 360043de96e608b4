"""Comments on class posts: options, sanitising, rate limiting, and what a post page shows."""

import nh3
from django.core.cache import cache
from django.db.models import Q

from ent_pages.access import policy

#: Tags a family may use in a comment (everything else is stripped, links get rel="noopener nofollow").
ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "ul", "ol", "li", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
#: At most RATE_LIMIT comments per user every RATE_WINDOW seconds.
RATE_LIMIT = 5
RATE_WINDOW = 10 * 60


def sanitise(text):
    """Clean HTML from a comment; plain text keeps its line breaks."""
    if "<" not in text:
        text = "<br>".join(nh3.clean_text(line) for line in text.strip().splitlines())
    return nh3.clean(
        text, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
        link_rel="noopener nofollow ugc",
    ).strip()


def rate_limited(user):
    """Count one comment for the user; True when they went over the limit for the window."""
    key = f"class_blog:comments:{user.pk}"
    cache.add(key, 0, RATE_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RATE_WINDOW)
        count = 1
    return count > RATE_LIMIT


def options_for(class_page):
    """The class's blog options (defaults when never set); free when loaded with select_related."""
    from .models import ClassBlogOptions

    try:
        return class_page.blog_options
    except ClassBlogOptions.DoesNotExist:
        return ClassBlogOptions(class_page=class_page)


def comments_context(request, post):
    """Comments shown under a post: approved ones, plus the reader's own pending ones (and all for moderators)."""
    from .models import Comment

    class_page = post.class_page
    options = options_for(class_page)
    user = request.user
    if not policy.can_view_comments(user, post):  # pupils: comments are written by and for families
        return {"class_page": class_page, "comments": [], "comments_enabled": False, "can_comment": False,
                "can_moderate": False}
    moderator = policy.can_manage_class(user, class_page)
    comments = Comment.objects.filter(post=post).select_related("author")
    if not moderator:
        comments = comments.filter(Q(approved=True) | Q(author_id=user.pk))
    comments = list(comments) if (options.comments_enabled or moderator) else []
    for comment in comments:
        comment.deletable = policy.can_delete_comment(user, comment, class_page)
    return {
        "class_page": class_page,
        "comments": comments,
        "comments_enabled": options.comments_enabled,
        "can_comment": options.comments_enabled and policy.can_comment(user, post),
        "can_moderate": moderator,
    }
