"""The endpoints of /api/v1/. Each one asks ent_pages.access.policy, as the HTML page it mirrors does;
what a user may not see answers 404, as the pages do (nothing tells that it exists)."""

from __future__ import annotations

from datetime import timedelta

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from wagtail.models import APIToken, Page

from ent_pages.access import policy
from ent_pages.media.links import viewing_as
from ent_pages.models import ClassPage, PrivateDocument, PrivateImage
from ent_pages.school_year import current_school_year
from ent_pages.second_factor import service as second_factor

from . import serializers as s
from . import tokens
from .authentication import TokenAuthentication
from .exceptions import exception_handler
from .files import document_file, gallery_files, image_file, page_files
from .pagination import Pagination
from .throttling import TokenRateThrottle


class SignedForDevice:
    """Token authentication, per-token throttle, JSON errors in French, and file links signed for the
    token's device (its media key) while the answer is built."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]
    throttle_classes = [TokenRateThrottle]
    pagination_class = Pagination

    def get_exception_handler(self):
        return exception_handler

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        key = tokens.media_key(request.auth) if isinstance(request.auth, APIToken) else ""
        self._viewing = viewing_as(key)
        self._viewing.__enter__()

    def paginated(self, items, serializer_class):
        """A list answer paginated like the generic list views (``count``, ``next``, ``previous``, ``results``)."""
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(items, self.request, view=self)
        return paginator.get_paginated_response(serializer_class(page, many=True).data)

    def finalize_response(self, request, response, *args, **kwargs):
        viewing = self.__dict__.pop("_viewing", None)
        if viewing is not None:
            viewing.__exit__(None, None, None)
        response = super().finalize_response(request, response, *args, **kwargs)
        # Every API answer is the asker's alone (a token is no cookie: PrivateResponsesMiddleware cannot tell).
        patch_cache_control(response, private=True, no_store=True)
        return response


class ApiView(SignedForDevice, APIView):
    pass


def _page_param():
    return OpenApiParameter("page", OpenApiTypes.INT, description=_("Page number (from 1)."))


def _int_or_404(value):
    if not str(value).isdigit() or int(value) > 2**62:
        raise Http404
    return int(value)


# -------------------------------------------------------------------------------------- login
class LoginView(ApiView):
    """A token for this device, from a username and password (and, for staff, their authenticator's code).

    Throttled by django-axes like every login: failures count per client address and per username;
    a locked-out client gets 429 before anything is checked.
    """

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = []

    def get_authenticate_header(self, request):
        return TokenAuthentication().authenticate_header(request)

    @extend_schema(request=s.LoginSerializer, responses={201: s.IssuedTokenSerializer}, auth=[])
    def post(self, request):
        data = s.LoginSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        username, password = data.validated_data["username"], data.validated_data["password"]
        django_request = request._request
        if not AxesProxyHandler.is_allowed(django_request, {"username": username}):
            raise exceptions.Throttled(detail=_("Too many failed attempts: try again in a quarter of an hour."))
        user = authenticate(django_request, username=username, password=password)
        _refuse_if_locked(django_request)
        if user is None:
            raise exceptions.AuthenticationFailed(_("Wrong username or password."), code="bad_credentials")
        if not policy.may_use_api(user):
            raise exceptions.PermissionDenied(_("This account may not use the application."))
        if second_factor.needs_code(user):
            if not second_factor.has_second_factor(user):
                raise exceptions.PermissionDenied(
                    _("Log in once on the website to set up your authenticator app, then come back.")
                )
            code = data.validated_data.get("code", "")
            if not code:
                raise exceptions.AuthenticationFailed(
                    _("Type the code of your authenticator app."), code="second_factor_required"
                )
            if second_factor.verify(user, code) is None:
                user_login_failed.send(sender=__name__, credentials={"username": username}, request=django_request)
                _refuse_if_locked(django_request)
                raise exceptions.AuthenticationFailed(_("This code is not valid."), code="bad_code")
        row, token = tokens.issue(user, data.validated_data.get("device", "") or _("Application"))
        answer = {"id": row.pk, "token": token, "media_key": tokens.media_key(row), "device": row.name}
        return Response(s.IssuedTokenSerializer(answer).data, status=status.HTTP_201_CREATED)


def _refuse_if_locked(django_request):
    """The failure just counted locked the client out: answer 429 in JSON here, rather than the HTML page
    that django-axes' middleware would put in place of the answer."""
    if getattr(django_request, "axes_locked_out", False):
        django_request.axes_locked_out = False
        raise exceptions.Throttled(detail=_("Too many failed attempts: try again in a quarter of an hour."))


class LogoutView(ApiView):
    """Revoke the token of this request (the app's "log out")."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        tokens.revoke(request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenListView(SignedForDevice, generics.ListAPIView):
    """The devices holding a token of this account (revoked ones are not listed)."""

    serializer_class = s.TokenSerializer

    def get_queryset(self):
        return tokens.active_tokens(self.request.user)


class TokenDetailView(ApiView):
    @extend_schema(request=None, responses={204: None})
    def delete(self, request, token_id):
        """Revoke one of this account's tokens (a lost phone): it answers 401 from now on."""
        row = get_object_or_404(tokens.active_tokens(request.user), pk=_int_or_404(token_id))
        tokens.revoke(row)
        return Response(status=status.HTTP_204_NO_CONTENT)


# ----------------------------------------------------------------------------- people, home
class MeView(ApiView):
    @extend_schema(responses=s.MeSerializer)
    def get(self, request):
        """The signed-in user."""
        return Response(s.MeSerializer(request.user).data)


def _children(user, classes_by_id):
    from ent_pages.views import children_of

    children = list(children_of(user))
    for child in children:
        child.api_class = classes_by_id.get(child.class_page_id)
    return children


class ChildrenView(ApiView):
    @extend_schema(responses=s.ChildSerializer(many=True), parameters=[_page_param()])
    def get(self, request):
        """The children the user is a guardian of, with their class this year (when they may see it)."""
        classes = {c.pk: c for c in policy.viewable_classes(request.user).live()}
        return self.paginated(_children(request.user, classes), s.ChildSerializer)


class HomeView(ApiView):
    @extend_schema(responses=s.FamilyHomeSerializer, parameters=[_page_param()])
    def get(self, request):
        """/mon-espace/ as JSON: children, notes to acknowledge, homework due soon, the feed (paginated)."""
        from class_blog.feed import home_context

        context = home_context(request)
        classes = {c.pk: c for c in context["my_classes"]}
        context["children"] = _children(request.user, classes)
        for item in context["feed_page"]:
            image = item.feed_image
            item.feed_thumbnail = image.get_rendition("fill-320x240").url if image is not None else None
        for note in context["pending_notes"]:
            note.acknowledged = False
        return Response(s.FamilyHomeSerializer(context).data)


# ----------------------------------------------------------------------------- classes, pages
class ClassListView(ApiView):
    @extend_schema(responses=s.ClassSerializer(many=True), parameters=[_page_param()])
    def get(self, request):
        """The classes the user may see: their children's, those they teach or direct, partner classes (blog only)."""
        scope = policy.scope(request.user)
        classes = list(policy.viewable_classes(request.user, include_partners=True).live().order_by("title", "pk"))
        for c in classes:
            c.partner = c.path in scope.partner_class_paths
        return self.paginated(classes, s.ClassSerializer)


def _class_or_404(user, class_id, *, private=False):
    """A class the user may see (its private life when `private`: never a partner class), else 404."""
    class_page = ClassPage.objects.live().filter(pk=_int_or_404(class_id)).first()
    if class_page is None or not policy.can_view(user, class_page):
        raise Http404
    if private and not policy.can_view_class_private(user, class_page):
        raise Http404
    return class_page


def _live_page_or_404(model, user, page_id):
    page = model.objects.live().filter(pk=_int_or_404(page_id)).first()
    if page is None or not policy.can_view(user, page):
        raise Http404
    return page


class ClassPostsView(SignedForDevice, generics.ListAPIView):
    """A class's blog, newest first (partner classes' blogs too)."""

    serializer_class = s.PostSummarySerializer

    def get_queryset(self):
        from class_blog.models import ClassPostPage

        class_page = _class_or_404(self.request.user, self.kwargs["class_id"])
        posts = ClassPostPage.objects.live().descendant_of(class_page)
        return policy.viewable(self.request.user, posts).order_by("-date", "-pk")


class ClassGalleriesView(SignedForDevice, generics.ListAPIView):
    """A class's photo galleries, newest first."""

    serializer_class = s.GallerySummarySerializer

    def get_queryset(self):
        from periscolaire.models import GalleryPage

        class_page = _class_or_404(self.request.user, self.kwargs["class_id"])
        galleries = GalleryPage.objects.live().child_of(class_page)
        return policy.viewable(self.request.user, galleries).order_by("-date", "-pk")


class PostView(ApiView):
    @extend_schema(responses=s.PostSerializer)
    def get(self, request, post_id):
        """A post, its content and its files (links signed for this device)."""
        from class_blog.models import ClassPostPage

        post = _live_page_or_404(ClassPostPage, request.user, post_id)
        post.api_class = post.class_page
        post.body_html = str(post.body)
        post.tag_names = sorted(tag.name for tag in post.tags.all())
        post.files = page_files(request.user, post)
        return Response(s.PostSerializer(post).data)


class GalleryView(ApiView):
    @extend_schema(responses=s.GallerySerializer)
    def get(self, request, gallery_id):
        """A gallery: its photos and children's work (links signed for this device)."""
        from periscolaire.models import GalleryPage

        gallery = _live_page_or_404(GalleryPage, request.user, gallery_id)
        gallery.photos_api, gallery.works_api = gallery_files(gallery)
        data = s.GallerySerializer(gallery).data
        return Response(data)


class ImageFileView(ApiView):
    @extend_schema(responses=s.FileSerializer)
    def get(self, request, image_id):
        """A link to an image a live page shows the user (404 otherwise)."""
        image = PrivateImage.objects.filter(pk=_int_or_404(image_id)).select_related("collection").first()
        if image is None or not policy.can_view_file(request.user, image):
            raise Http404
        return Response(s.FileSerializer(image_file(image)).data)


class DocumentFileView(ApiView):
    @extend_schema(responses=s.FileSerializer)
    def get(self, request, document_id):
        """A link to a document a live page shows the user (404 otherwise)."""
        document = PrivateDocument.objects.filter(pk=_int_or_404(document_id)).select_related("collection").first()
        if document is None or not policy.can_view_file(request.user, document):
            raise Http404
        return Response(s.FileSerializer(document_file(document)).data)


# --------------------------------------------------------------------------- homework, notes
class HomeworkView(SignedForDevice, generics.ListAPIView):
    """The homework notebook of the user's classes (never a partner class's), due from ``depuis``
    (a date, default two weeks ago), soonest first; ``classe`` narrows it to one class."""

    serializer_class = s.HomeworkSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("classe", OpenApiTypes.INT, description=_("One class only.")),
            OpenApiParameter("depuis", OpenApiTypes.DATE, description=_("Due on or after this date.")),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        from class_blog.models import HomeworkEntry

        user, params = self.request.user, self.request.query_params
        entries = HomeworkEntry.objects.filter(class_page__in=policy.viewable_class_ids(user))
        if params.get("classe"):
            entries = entries.filter(class_page=_class_or_404(user, params["classe"], private=True))
        since = timezone.localdate() - timedelta(days=14)
        if params.get("depuis"):
            since = serializers.DateField().run_validation(params["depuis"])
        return entries.filter(due_on__gte=since).order_by("due_on", "class_page_id", "subject", "pk")


def _with_acknowledged(notes, user):
    from django.db.models import Exists, OuterRef

    from class_blog.models import NoteRecipient

    pending = NoteRecipient.objects.filter(note=OuterRef("pk"), guardian__user=user, acknowledged_at__isnull=True)
    return notes.annotate(acknowledged=~Exists(pending))


class NoteListView(SignedForDevice, generics.ListAPIView):
    """The notes (mots à signer) the user received, newest first."""

    serializer_class = s.NoteSerializer

    def get_queryset(self):
        user = self.request.user
        return _with_acknowledged(policy.received_notes(user), user).order_by("-scheduled_for", "-pk")


def _note_or_404(user, note_id):
    from class_blog.models import Note

    note = Note.objects.filter(pk=_int_or_404(note_id)).first()
    if note is None or not policy.can_view_note(user, note):
        raise Http404
    return note


class NoteView(ApiView):
    @extend_schema(responses=s.NoteSerializer)
    def get(self, request, note_id):
        """A note the user received (or manages)."""
        note = _note_or_404(request.user, note_id)
        note = _with_acknowledged(type(note).objects.filter(pk=note.pk), request.user).get()
        return Response(s.NoteSerializer(note).data)


class NoteAcknowledgeView(ApiView):
    @extend_schema(request=None, responses=s.AcknowledgementSerializer)
    def post(self, request, note_id):
        """Acknowledge a note for every child it was sent about (once: later calls change nothing)."""
        from class_blog.notes import acknowledge

        note = _note_or_404(request.user, note_id)
        done = acknowledge(note, request.user)
        left = note.recipients.filter(guardian__user=request.user, acknowledged_at__isnull=True).exists()
        return Response({"id": note.pk, "acknowledged": not left, "acknowledged_now": done})


# ------------------------------------------------------------------ consent, resources, search
class ConsentView(ApiView):
    @extend_schema(responses=s.ConsentSerializer(many=True), parameters=[_page_param()])
    def get(self, request):
        """Image consent this school year: each child, each purpose, this guardian's decision and the child's."""
        from periscolaire import consent
        from periscolaire.models import ConsentPurpose

        guardianships = list(
            policy.guardianships_of(request.user)
            .select_related("pupil", "guardian")
            .order_by("pupil__first_name", "pupil_id")
        )
        purposes = list(ConsentPurpose)
        pupils = list({g.pupil_id: g.pupil for g in guardianships}.values())
        decisions = consent.guardian_decisions(pupils, purposes, current_school_year())
        answer = [
            {
                "pupil_id": row["pupil"].pk,
                "first_name": row["pupil"].first_name,
                "purpose": item["purpose"].value,
                "purpose_label": str(item["purpose"].label),
                "mine": item["mine"],
                "effective": item["effective"],
            }
            for row in consent.guardian_rows(guardianships, purposes, decisions)
            for item in row["items"]
        ]
        return self.paginated(answer, s.ConsentSerializer)


class ResourceListView(SignedForDevice, generics.ListAPIView):
    """The city's current resources and workbooks for families and teachers (filters: niveau, public, theme)."""

    serializer_class = s.ResourceSerializer

    def get_queryset(self):
        from resources.models.pages import ResourceIndexPage

        index = ResourceIndexPage.objects.live().first()
        if index is None:
            return []
        items, _themes = index.listing(self.request)
        allowed = set(
            policy.viewable(self.request.user, Page.objects.filter(pk__in=[i.pk for i in items])).values_list(
                "pk", flat=True
            )
        )
        items = [i for i in items if i.pk in allowed]
        for item in items:
            item.api_url = item.get_url(self.request._request) or ""
        return items


class SearchView(ApiView):
    @extend_schema(
        responses=s.SearchSerializer,
        parameters=[OpenApiParameter("q", OpenApiTypes.STR, description=_("The words searched.")), _page_param()],
    )
    def get(self, request):
        """Search what the user may see (the search app's engine, filtered by the access policy)."""
        from search.engine import get_engine
        from search.params import SearchParams

        params = SearchParams.from_query_dict(request.query_params)
        if not params.q:
            return Response(
                {"query": "", "engine": "", "total": 0, "page": 1, "num_pages": 1, "results": [], "facets": {}}
            )
        outcome = get_engine().search(request.user, params, request=request._request)
        return Response(outcome.as_json())
