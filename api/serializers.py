"""What each endpoint answers. Objects arrive already filtered by the access policy (api.views)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from wagtail.models import APIToken


# ------------------------------------------------------------------------------------ accounts
class LoginSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("username"), max_length=150)
    password = serializers.CharField(
        label=_("password"), max_length=4096, trim_whitespace=False, style={"input_type": "password"}
    )
    code = serializers.CharField(
        label=_("code"),
        max_length=64,
        required=False,
        allow_blank=True,
        help_text=_("The code of the authenticator app (or a recovery code): staff must give it."),
    )
    device = serializers.CharField(
        label=_("device"),
        max_length=100,
        required=False,
        allow_blank=True,
        help_text=_("A name for this device, shown in the list of devices."),
    )


class IssuedTokenSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    token = serializers.CharField(help_text=_("Send it as “Authorization: Bearer <token>”. Shown once."))
    media_key = serializers.CharField(help_text=_("Send it as the preau_media cookie when fetching a file link."))
    device = serializers.CharField()


class TokenSerializer(serializers.ModelSerializer):
    device = serializers.CharField(source="name")
    created_at = serializers.DateTimeField(source="created")
    current = serializers.SerializerMethodField()

    class Meta:
        model = APIToken
        fields = ["id", "device", "prefix", "created_at", "last_used_at", "current"]

    def get_current(self, row) -> bool:
        auth = self.context["request"].auth
        return isinstance(auth, APIToken) and auth.pk == row.pk


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    username = serializers.CharField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    email = serializers.EmailField(allow_blank=True)


# ------------------------------------------------------------------------------ people, classes
class ClassRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()


class ClassSerializer(ClassRefSerializer):
    school_year = serializers.CharField()
    levels = serializers.ListField(child=serializers.CharField())
    partner = serializers.BooleanField(help_text=_("Seen as a partner class: its blog only."))


class ChildSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    class_page = ClassRefSerializer(allow_null=True, source="api_class")


# -------------------------------------------------------------------------------- files, pages
class FileSerializer(serializers.Serializer):
    """A file link signed for the token's device (valid one hour, with the preau_media cookie)."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=["image", "document"])
    title = serializers.CharField()
    url = serializers.CharField()
    thumbnail = serializers.CharField(allow_null=True)
    caption = serializers.CharField(allow_blank=True)


class PostSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    date = serializers.DateField()
    published_at = serializers.DateTimeField(source="first_published_at", allow_null=True)


class PostSerializer(PostSummarySerializer):
    class_page = ClassRefSerializer(source="api_class")
    body_html = serializers.CharField(help_text=_("The post's content, its images linked for this device."))
    tags = serializers.ListField(child=serializers.CharField(), source="tag_names")
    files = FileSerializer(many=True)


class GallerySummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    date = serializers.DateField()
    activity = serializers.CharField(allow_blank=True)


class GallerySerializer(GallerySummarySerializer):
    description_html = serializers.CharField(source="description", allow_blank=True)
    photos = FileSerializer(many=True, source="photos_api")
    works = FileSerializer(many=True, source="works_api")


class FeedItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    kind = serializers.CharField(source="feed_kind")
    title = serializers.CharField()
    label = serializers.CharField(source="feed_label")
    published_at = serializers.DateTimeField(source="first_published_at", allow_null=True)
    excerpt = serializers.CharField(source="feed_excerpt", allow_blank=True)
    thumbnail = serializers.CharField(source="feed_thumbnail", allow_null=True)


class FeedPageSerializer(serializers.Serializer):
    page = serializers.IntegerField(source="number")
    has_previous = serializers.BooleanField()
    has_next = serializers.BooleanField()
    results = FeedItemSerializer(many=True, source="object_list")


# ------------------------------------------------------------------------- homework and notes
class HomeworkSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    class_id = serializers.IntegerField(source="class_page_id")
    subject = serializers.CharField()
    subject_label = serializers.CharField(source="get_subject_display")
    text = serializers.CharField()
    given_on = serializers.DateField()
    due_on = serializers.DateField()


class NoteSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    text = serializers.CharField()
    class_id = serializers.IntegerField(source="class_page_id", allow_null=True)
    school_id = serializers.IntegerField()
    delivered_at = serializers.DateTimeField(source="scheduled_for")
    acknowledged = serializers.BooleanField(help_text=_("Every row of this user (one per child) is acknowledged."))


class AcknowledgementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    acknowledged = serializers.BooleanField()
    acknowledged_now = serializers.IntegerField(help_text=_("Rows (one per child) acknowledged by this request."))


class FamilyHomeSerializer(serializers.Serializer):
    """/mon-espace/ as JSON: the same functions build it (ent_pages.views.children_of, class_blog.feed.home_context)."""

    children = ChildSerializer(many=True)
    pending_notes = NoteSerializer(many=True)
    homework_soon = HomeworkSerializer(many=True)
    feed = FeedPageSerializer(source="feed_page")
    my_classes = ClassRefSerializer(many=True)
    partner_classes = ClassRefSerializer(many=True)


# --------------------------------------------------------------------- consent, resources, search
class ConsentSerializer(serializers.Serializer):
    pupil_id = serializers.IntegerField()
    first_name = serializers.CharField()
    purpose = serializers.CharField()
    purpose_label = serializers.CharField()
    mine = serializers.CharField(help_text=_("This guardian's decision: given, refused or not_given."))
    effective = serializers.CharField(help_text=_("The child's consent: every guardian must give it."))


class ResourceSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    summary = serializers.CharField(allow_blank=True)
    url = serializers.CharField(source="api_url")
    audience = serializers.ListField(child=serializers.CharField())
    levels = serializers.ListField(child=serializers.CharField())


class SearchResultSerializer(serializers.Serializer):
    title = serializers.CharField()
    url = serializers.CharField(allow_blank=True)
    type = serializers.CharField()
    summary = serializers.CharField(allow_blank=True)
    snippet = serializers.CharField(allow_blank=True)


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    selected = serializers.BooleanField()


class SearchSerializer(serializers.Serializer):
    query = serializers.CharField(allow_blank=True)
    engine = serializers.CharField()
    total = serializers.IntegerField()
    page = serializers.IntegerField()
    num_pages = serializers.IntegerField()
    results = SearchResultSerializer(many=True)
    facets = serializers.DictField(child=FacetValueSerializer(many=True))


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
