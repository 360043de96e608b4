"""Parents' comments on class posts, and the class's comment options."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ClassBlogOptions(models.Model):
    """A class's blog options, set by its teachers: comments on or off, trusted or moderated."""

    class_page = models.OneToOneField(
        "ent_pages.ClassPage", on_delete=models.CASCADE, related_name="blog_options", verbose_name=_("class")
    )
    comments_enabled = models.BooleanField(_("families may comment posts"), default=False)
    trust_comments = models.BooleanField(
        _("publish comments at once"), default=False, help_text=_("Otherwise a teacher approves each comment.")
    )

    class Meta:
        verbose_name = _("class blog options")
        verbose_name_plural = _("class blog options")

    def __str__(self):
        return str(self.class_page)


class Comment(models.Model):
    """A comment on a post, shown once approved (or at once when the class trusts comments)."""

    post = models.ForeignKey("class_blog.ClassPostPage", on_delete=models.CASCADE, related_name="comments", verbose_name=_("post"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("author"))
    #: Sanitised HTML (nh3), safe to render.
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    approved = models.BooleanField(_("approved"), default=False, db_index=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.author} — {self.post}"
