"""The access policy: the one module that decides who may view and who may edit what.

Every channel asks it: page serving, listings and feeds, search, the API, media files, emails,
sitemaps. Nothing else in Préau decides access.

Rules (see docs/access.md):
- Pages at or above the school level (city home, school presentations) and pages outside any
  school (municipal resources, city news) are public.
- Below a school, each direct child of the school is a *section*. A class section (a ClassPage
  and its subtree) is visible to the guardians of pupils enrolled in it this school year, to its
  teachers, to the school's directors and to explicit grants (django-guardian permission
  ``ent_pages.view_class_content`` on the class). After the year rollover, an archived class stays
  visible to its families until its ``family_visible_until`` date. Any other section (CLAE space, school news) is
  for the members of the school: its families, its staff.
- Editing is Wagtail's page permissions, which ent_pages.roles keeps in sync with assignments.

No Wagtail PageViewRestriction is created: the decision is made from enrolments and assignments,
so it costs a handful of indexed queries per request whatever the number of classes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Q, Subquery, Value
from django.db.models.functions import Substr
from wagtail.models import Page

from .school_year import current_school_year

#: Depth of school pages: root (1) → city home (2) → school (3). Fixed by the page type rules.
SCHOOL_DEPTH = 3
STEPLEN = Page.steplen
SCHOOL_PREFIX = SCHOOL_DEPTH * STEPLEN
SECTION_PREFIX = (SCHOOL_DEPTH + 1) * STEPLEN

_SCOPE_ATTR = "_preau_access_scope"


@dataclass(frozen=True)
class Scope:
    """What one user may see below schools, as tree paths (computed once per request)."""

    superuser: bool = False
    #: Class sections fully visible (own children's classes, classes taught, explicit grants).
    class_paths: frozenset[str] = field(default_factory=frozenset)
    #: Classes the user teaches (a subset of class_paths): they run its blog, homework and notes.
    taught_class_paths: frozenset[str] = field(default_factory=frozenset)
    #: Class sections visible for their blog only (partner classes).
    partner_class_paths: frozenset[str] = field(default_factory=frozenset)
    #: Schools whose members-only sections (not classes) are visible.
    member_school_paths: frozenset[str] = field(default_factory=frozenset)
    #: Schools visible in full (directors).
    director_school_paths: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_empty(self):
        return not (self.superuser or self.class_paths or self.partner_class_paths
                    or self.member_school_paths or self.director_school_paths)


ANONYMOUS_SCOPE = Scope()


class AccessPolicy:
    # ----------------------------------------------------------------------------------- scopes
    def scope(self, user) -> Scope:
        if user is None or not user.is_authenticated or not user.is_active:
            return ANONYMOUS_SCOPE
        cached = getattr(user, _SCOPE_ATTR, None)
        if cached is None:
            cached = self._remembered_scope(user)
            setattr(user, _SCOPE_ATTR, cached)
        return cached

    def _remembered_scope(self, user) -> Scope:
        """The scope from the shared cache, or computed and remembered there.

        Kept PREAU_SCOPE_CACHE_SECONDS under the access version that every change able to grant or
        revoke access bumps (ent_pages.signals; imports and rollovers bump it once at their end), so a
        family's requests cost a cache read instead of three queries, and a revocation is seen at once.
        """
        from django.core.cache import cache

        ttl = getattr(settings, "PREAU_SCOPE_CACHE_SECONDS", 60)
        if not ttl:
            return self._compute_scope(user)
        key = self._scope_key(user.pk)
        scope = cache.get(key)
        if scope is None:
            scope = self._compute_scope(user)
            cache.set(key, scope, ttl)
        return scope

    def _scope_key(self, user_id) -> str:
        return f"preau:scope:{self.access_version()}:{user_id}"

    def forget(self, user) -> None:
        """Drop the scope remembered for a user (after their enrolments or roles changed in bulk)."""
        from django.core.cache import cache

        if user is None:
            return
        if hasattr(user, _SCOPE_ATTR):
            delattr(user, _SCOPE_ATTR)
        if user.pk is not None:
            cache.delete(self._scope_key(user.pk))

    def prime_scopes(self, users) -> None:
        """Compute and cache the scopes of many users at once (digests): a few queries per batch."""
        pending = [u for u in users if u.is_authenticated and u.is_active and getattr(u, _SCOPE_ATTR, None) is None]
        scopes = self._compute_scopes(pending)
        for user in pending:
            setattr(user, _SCOPE_ATTR, scopes[user.pk])

    def _compute_scope(self, user) -> Scope:
        return self._compute_scopes([user])[user.pk]

    def _compute_scopes(self, users) -> dict[int, Scope]:
        """Scopes of `users` by id: four queries whatever their number (one user or a batch of digests)."""
        from .models import Enrolment, Role, StaffAssignment, TeachingAssignment

        scopes = {u.pk: Scope(superuser=True) for u in users if u.is_superuser}
        ids = [u.pk for u in users if not u.is_superuser]
        if not ids:
            return scopes
        # Children's classes, classes taught and explicit grants (class ids), in one query.
        ENROLLED, TAUGHT, GRANTED = 0, 1, 2
        rows = (
            Enrolment.objects.filter(self.family_enrolments(), pupil__guardianships__guardian__user__in=ids)
            .annotate(user_id=F("pupil__guardianships__guardian__user"), kind=Value(ENROLLED))
            .values_list("user_id", "class_page__path", "kind")
            .union(
                TeachingAssignment.objects.filter(user__in=ids).annotate(kind=Value(TAUGHT))
                .values_list("user_id", "class_page__path", "kind"),
                *self._granted_class_rows(ids, GRANTED),
                all=True,
            )
        )
        class_paths = {pk: set() for pk in ids}
        taught = {pk: set() for pk in ids}
        granted = []
        for user_id, value, kind in rows:
            if kind == GRANTED:
                granted.append((user_id, value))
                continue
            class_paths[user_id].add(value)
            if kind == TAUGHT:
                taught[user_id].add(value)
        if granted:  # rare: one more query to turn granted class ids into paths
            paths = dict(Page.objects.filter(pk__in={int(pk) for _, pk in granted}).values_list("pk", "path"))
            for user_id, pk in granted:
                if int(pk) in paths:
                    class_paths[user_id].add(paths[int(pk)])
        member_schools = {pk: {path[:SCHOOL_PREFIX] for path in class_paths[pk]} for pk in ids}
        director_schools = {pk: set() for pk in ids}
        for user_id, role, school_path in StaffAssignment.objects.filter(user__in=ids, school__isnull=False).values_list(
            "user_id", "role", "school__path"
        ):
            member_schools[user_id].add(school_path)
            if role == Role.DIRECTOR:
                director_schools[user_id].add(school_path)
        partners = self._partner_paths_by_class(set().union(*class_paths.values()))
        for pk in ids:
            own = class_paths[pk]
            partner_paths = set().union(*(partners.get(path, ()) for path in own)) - own
            scopes[pk] = Scope(
                class_paths=frozenset(own),
                taught_class_paths=frozenset(taught[pk]),
                partner_class_paths=frozenset(partner_paths),
                member_school_paths=frozenset(member_schools[pk]),
                director_school_paths=frozenset(director_schools[pk]),
            )
        return scopes

    @staticmethod
    def family_enrolments():
        """The enrolments that open a class to a family: this school year's, and last year's while the
        archived class stays visible to its families (ClassPage.family_visible_until, set by the rollover)."""
        from django.utils import timezone

        return Q(school_year=current_school_year()) | Q(class_page__family_visible_until__gte=timezone.localdate())

    def _granted_class_rows(self, user_ids, kind):
        """Explicit grants (a substitute teacher...) held in django-guardian, for the users or their groups.

        (user id, class id as text, kind) rows to union with enrolments: django-guardian's generic
        object permissions ``ent_pages.view_class_content`` on ClassPage objects.
        """
        from guardian.models import GroupObjectPermission, UserObjectPermission

        from .models import ClassPage

        class_ct = ContentType.objects.get_for_model(ClassPage)
        perm = {"permission__codename": "view_class_content", "permission__content_type": class_ct, "content_type": class_ct}
        return [
            UserObjectPermission.objects.filter(user__in=user_ids, **perm)
            .annotate(kind=Value(kind)).values_list("user_id", "object_pk", "kind"),
            GroupObjectPermission.objects.filter(group__user__in=user_ids, **perm)
            .annotate(user_id=F("group__user"), kind=Value(kind)).values_list("user_id", "object_pk", "kind"),
        ]

    def _partner_paths_by_class(self, own_class_paths) -> dict[str, set[str]]:
        """For each class, the classes whose blog it was invited to read (correspondance scolaire).

        The grant is the accepted class_blog.ClassPartnership itself: it is given to a class, not to
        people, so the invited class's families and teachers of the current year are in (and out at
        revocation) without per-user rows (nor django-guardian permissions) to keep in sync. One
        indexed query.
        """
        if not own_class_paths:
            return {}
        from django.apps import apps

        partnership = apps.get_model("class_blog", "ClassPartnership")
        result = {}
        for invited, inviting in (
            partnership.objects.accepted()
            .filter(invited_class__path__in=own_class_paths)
            .values_list("invited_class__path", "inviting_class__path")
        ):
            result.setdefault(invited, set()).add(inviting)
        return result

    def _partner_class_paths(self, user, own_class_paths):
        """Classes whose blog the user's classes were invited to read."""
        return set().union(*self._partner_paths_by_class(own_class_paths).values())

    # ------------------------------------------------------------------------------- page rules
    def section_paths(self, page) -> tuple[str | None, str | None]:
        """The (school path, section path) a page lies under, or (None, None) at or above schools."""
        if page.depth <= SCHOOL_DEPTH:
            return None, None
        return page.path[:SCHOOL_PREFIX], page.path[:SECTION_PREFIX]

    def _section(self, page):
        """(school path, section path, lies under a school, section is a class), memoised on the page.

        One indexed query on the two ancestors' paths; nothing for pages at or above schools.
        """
        from .models import ClassPage, SchoolPage

        memo = getattr(page, "_preau_section", None)
        if memo is not None:
            return memo
        school_path, section_path = self.section_paths(page)
        if school_path is None:
            memo = (None, None, False, False)
        else:
            types = dict(
                Page.objects.filter(path__in=[school_path, section_path]).values_list("path", "content_type_id")
            )
            school_ct = ContentType.objects.get_for_model(SchoolPage).pk
            class_ct = ContentType.objects.get_for_model(ClassPage).pk
            memo = (school_path, section_path, types.get(school_path) == school_ct, types.get(section_path) == class_ct)
        page._preau_section = memo
        return memo

    def is_private(self, page) -> bool:
        return self._section(page)[2]

    def can_view(self, user, page) -> bool:
        school_path, section_path, under_school, is_class = self._section(page)
        if not under_school:
            return True
        scope = self.scope(user)
        if scope.superuser or school_path in scope.director_school_paths:
            return True
        if is_class:
            if section_path in scope.class_paths:
                return True
            return section_path in scope.partner_class_paths and self._visible_to_partners(page.specific_class)
        return school_path in scope.member_school_paths

    def can_edit(self, user, page) -> bool:
        """Editing is Wagtail's page permissions, kept in sync with roles by ent_pages.roles."""
        if user is None or not user.is_authenticated or not user.is_active:
            return False
        return page.permissions_for_user(user).can_edit()

    # --------------------------------------------------------------------------- queryset rules
    def viewable(self, user, queryset):
        """Filter a page queryset to what `user` may view, in SQL, whatever the number of classes."""
        from .models import ClassPage, SchoolPage

        scope = self.scope(user)
        if scope.superuser:
            return queryset
        queryset = queryset.alias(_preau_school=Substr("path", 1, SCHOOL_PREFIX), _preau_section=Substr("path", 1, SECTION_PREFIX))
        # Schools and sections sit at fixed depths: saying so keeps these subqueries small whatever lies below.
        under_school = Q(depth__gt=SCHOOL_DEPTH) & Q(
            _preau_school__in=Subquery(SchoolPage.objects.filter(depth=SCHOOL_DEPTH).values("path"))
        )
        allowed = ~under_school
        if scope.director_school_paths:
            allowed |= Q(_preau_school__in=scope.director_school_paths)
        if scope.class_paths:
            allowed |= Q(_preau_section__in=scope.class_paths)
        if scope.member_school_paths:
            allowed |= Q(_preau_school__in=scope.member_school_paths) & ~Q(
                _preau_section__in=Subquery(ClassPage.objects.filter(depth=SCHOOL_DEPTH + 1).values("path"))
            )
        if scope.partner_class_paths:
            allowed |= Q(_preau_section__in=scope.partner_class_paths) & Q(content_type__in=self._partner_content_types())
        return queryset.filter(allowed)

    def public(self, queryset):
        """Pages anyone may view (the sitemap, public feeds): use this, never Wagtail's ``public()``."""
        return self.viewable(None, queryset)

    # ------------------------------------------------------------------------- moderation rules
    # The school moderation workflow (periscolaire.SchoolModeratorTask) asks who approves a page:
    # the school roles its section names (``moderator_roles()``, e.g. the CLAE space's setting),
    # else the school's directors; the school's directors also when nobody holds the named roles.

    def moderators(self, page):
        """The active users who approve `page` in the school moderation workflow (a User queryset)."""
        from .models import Role, User

        school_path, section_path, under_school, _is_class = self._section(page)
        if not under_school:
            return User.objects.none()
        section = Page.objects.get(path=section_path).specific if page.path != section_path else page.specific
        roles = section.moderator_roles() if hasattr(section, "moderator_roles") else [Role.DIRECTOR]
        users = User.objects.none()
        for wanted in (roles, [Role.DIRECTOR]):
            users = User.objects.filter(
                is_active=True, staff_assignments__school__path=school_path, staff_assignments__role__in=wanted
            ).distinct()
            if users.exists():
                break
        return users

    def can_moderate(self, user, page) -> bool:
        if user is None or not user.is_authenticated or not user.is_active:
            return False
        return user.is_superuser or self.moderators(page).filter(pk=user.pk).exists()

    # ---------------------------------------------------------------------------- consent rules
    def can_view_consents(self, user, class_page) -> bool:
        """The image consent table of a class: the school's directors (and superusers)."""
        scope = self.scope(user)
        school_path, _section_path = self.section_paths(class_page)
        return scope.superuser or (school_path is not None and school_path in scope.director_school_paths)

    def can_view_some_consents(self, user) -> bool:
        """Whether any class's consent table is open to the user (the admin menu entry, the class list)."""
        scope = self.scope(user)
        return scope.superuser or bool(scope.director_school_paths)

    # ------------------------------------------------------------------------------ media rules
    # A file (image, rendition, document) belongs to its collection; a collection belongs to the
    # page it was created with (ent_pages.models.PageCollection), or to the nearest ancestor
    # collection that was. Whoever may view that page, or edit it, may open the file. A collection
    # linked to no page (Wagtail's root collection) is for the staff who manage it only.

    def collection_page(self, collection):
        """The page whose files `collection` holds (nearest linked ancestor-or-self), or None. One query."""
        from .models import PageCollection

        memo = getattr(collection, "_preau_page", _UNSET)
        if memo is not _UNSET:
            return memo
        steplen = collection.steplen
        prefixes = [collection.path[:end] for end in range(steplen, len(collection.path) + 1, steplen)]
        link = (
            PageCollection.objects.filter(collection__path__in=prefixes)
            .select_related("page")
            .order_by("-collection__depth")
            .first()
        )
        collection._preau_page = link.page if link else None
        return collection._preau_page

    def is_public_collection(self, collection) -> bool:
        """Files of public pages (city home, school presentations): anyone, cacheable."""
        page = self.collection_page(collection)
        return page is not None and not self.is_private(page)

    def can_view_collection(self, user, collection) -> bool:
        page = self.collection_page(collection)
        # The files of a page that is not live (a gallery awaiting moderation, an unpublished one)
        # are for its editors only.
        if page is not None and ((page.live and self.can_view(user, page)) or self.can_edit(user, page)):
            return True
        return self.can_manage_collection(user, collection)

    def can_manage_collection(self, user, collection) -> bool:
        """Staff holding Wagtail collection permissions (add/change/choose) on images or documents there."""
        if user is None or not user.is_authenticated or not user.is_active:
            return False
        if user.is_superuser:
            return True
        from wagtail.documents import get_document_model
        from wagtail.images import get_image_model
        from wagtail.permissions import policy_registry

        for model in (get_image_model(), get_document_model()):
            managed = policy_registry.get_by_type(model).collections_user_has_any_permission_for(
                user, ["add", "change", "choose"]
            )
            if managed.filter(pk=collection.pk).exists():
                return True
        return False

    def can_view_file(self, user, obj) -> bool:
        """May `user` open this image, rendition or document?"""
        return self.can_view_collection(user, _collection_of(obj))

    def is_public_file(self, obj) -> bool:
        return self.is_public_collection(_collection_of(obj))

    def file_access(self, user, obj) -> str:
        """The serve views' one question: PUBLIC_FILE, PRIVATE_FILE (this user may open it) or "" (no).

        A "yes" is remembered per user and collection for PREAU_MEDIA_ACCESS_CACHE_SECONDS (a page
        of 30 thumbnails asks 30 times), under an access version that every change of enrolment,
        guardianship, assignment, grant, group or collection link bumps (ent_pages.signals), so a
        revoked access is not served from memory. "No" is never remembered.
        """
        from django.core.cache import cache

        ttl = getattr(settings, "PREAU_MEDIA_ACCESS_CACHE_SECONDS", 60)
        image = getattr(obj, "image", None)
        collection_id = (image if image is not None else obj).collection_id
        user_id = user.pk if (user is not None and user.is_authenticated and user.is_active) else 0
        key = f"preau:file-access:{self.access_version()}:{user_id}:{collection_id}"
        if ttl:
            remembered = cache.get(key)
            if remembered:
                return remembered
        if not self.can_view_file(user, obj):
            return ""
        decision = PUBLIC_FILE if self.is_public_file(obj) else PRIVATE_FILE
        if ttl:
            cache.set(key, decision, ttl)
        return decision

    @staticmethod
    def access_version() -> int:
        from django.core.cache import cache

        return cache.get(_ACCESS_VERSION_KEY) or 0

    @staticmethod
    def bump_access_version() -> None:
        """Forget every remembered file decision (called on any change that can revoke access)."""
        from django.core.cache import cache

        try:
            cache.incr(_ACCESS_VERSION_KEY)
        except ValueError:
            cache.set(_ACCESS_VERSION_KEY, 1, None)

    # ------------------------------------------------------------------ class life (class_blog)
    def can_view_class_private(self, user, class_page) -> bool:
        """The class's own life beyond its blog (homework notebook, notes): never partner classes."""
        scope = self.scope(user)
        return (
            scope.superuser
            or class_page.path in scope.class_paths
            or class_page.path[:SCHOOL_PREFIX] in scope.director_school_paths
        )

    def can_manage_class(self, user, class_page) -> bool:
        """Write homework and notes, moderate comments, invite partners: its teachers and directors."""
        scope = self.scope(user)
        return (
            scope.superuser
            or class_page.path in scope.taught_class_paths
            or class_page.path[:SCHOOL_PREFIX] in scope.director_school_paths
        )

    def can_manage_school(self, user, school) -> bool:
        """School-wide notes, quiet hours and news: the school's directors."""
        scope = self.scope(user)
        return scope.superuser or school.path in scope.director_school_paths

    def _class_filter(self, paths, school_paths, prefix=""):
        q = Q(**{f"{prefix}path__in": list(paths)}) if paths else Q(pk__in=[])
        for school_path in sorted(school_paths):
            q |= Q(**{f"{prefix}path__startswith": school_path, f"{prefix}depth": SCHOOL_DEPTH + 1})
        return q

    def viewable_classes(self, user, include_partners=False):
        """ClassPage queryset whose private life the user may see (plus partner blogs if asked)."""
        from .models import ClassPage

        scope = self.scope(user)
        if scope.superuser:
            return ClassPage.objects.all()
        paths = set(scope.class_paths) | (set(scope.partner_class_paths) if include_partners else set())
        return ClassPage.objects.filter(self._class_filter(paths, scope.director_school_paths))

    def viewable_class_ids(self, user, include_partners=False):
        """Lazy ids (a subquery) of `viewable_classes`: `class_page__in=` costs no extra query."""
        return self.viewable_classes(user, include_partners=include_partners).values("pk")

    def managed_classes(self, user):
        """ClassPage queryset the user manages (classes taught, classes of directed schools)."""
        from .models import ClassPage

        scope = self.scope(user)
        if scope.superuser:
            return ClassPage.objects.all()
        return ClassPage.objects.filter(self._class_filter(scope.taught_class_paths, scope.director_school_paths))

    def can_view_note(self, user, note) -> bool:
        """A note (mot à signer): its recipients once delivered, its sender, the staff of its audience."""
        if user is None or not user.is_authenticated:
            return False
        if self.can_manage_note(user, note):
            return True
        return note.is_delivered and note.recipients.filter(guardian__user=user).exists()

    def can_manage_note(self, user, note) -> bool:
        """See acknowledgements, export and remind: the sender, the class's teachers, the school's directors."""
        if user is None or not user.is_authenticated:
            return False
        if note.sender_id is not None and note.sender_id == user.pk:
            return True
        if note.class_page_id:
            return self.can_manage_class(user, note.class_page)
        return self.can_manage_school(user, note.school)

    def can_comment(self, user, post) -> bool:
        """Comment on a post: whoever may read it (partner classes included), with an account."""
        return user is not None and user.is_authenticated and self.can_view(user, post)

    def can_delete_comment(self, user, comment, class_page) -> bool:
        """Its author, and the class's teachers and directors."""
        if user is None or not user.is_authenticated:
            return False
        return comment.author_id == user.pk or self.can_manage_class(user, class_page)

    # ------------------------------------------------- everyday entry points (issue 17: landing pages)
    # Which admin forms a class page offers its viewer ("Write a post", "Add photos"). Writing in a
    # class is Wagtail's page permissions (``can_edit``), asked only of those who run a class, so
    # that a family's visit costs no permission query.

    def can_write_in_class(self, user, class_page) -> bool:
        """Add posts and galleries under the class (and edit them): its teachers and directors with the page permission."""
        return self.can_manage_class(user, class_page) and self.can_edit(user, class_page)

    # Calendar (school_calendar): an event belongs to a page; a user's calendar holds the events of
    # the places they belong to — the city, their schools and the schools' shared sections (CLAE),
    # their classes — among the pages they may view. Another school's public page is not "theirs".

    def calendar_pages(self, user):
        """Page queryset whose events belong in `user`'s calendar (a subquery: no query by itself)."""
        scope = self.scope(user)
        pages = Page.objects.live()
        if scope.superuser:
            return pages
        schools = scope.member_school_paths | scope.director_school_paths
        mine = Q(depth__lt=SCHOOL_DEPTH) | Q(path__in=list(schools)) | Q(path__in=list(scope.class_paths))
        for school_path in sorted(schools):
            mine |= Q(path__startswith=school_path, depth=SCHOOL_DEPTH + 1)
        return self.viewable(user, pages.filter(mine))

    def can_publish_event(self, user, page) -> bool:
        """Add or remove events of a page: whoever may edit it (a class's teachers, the school's directors,
        the CLAE team on its space, city editors on the city home)."""
        return self.can_edit(user, page)

    # ------------------------------------------------------------------- search index documents
    #: Visibility labels stored on search documents (Elasticsearch) so that filtering happens in the query.
    PUBLIC, CLASS, SCHOOL = "public", "class", "school"

    def index_audience(self, page) -> dict:
        """What a search document must store about `page` for `index_clauses` to filter it.

        ``visibility`` is public, class (a class section) or school (a members-only section);
        ``partners`` says whether partner classes may read it (class_blog's partner rule).
        """
        school_path, section_path, under_school, is_class = self._section(page)
        if not under_school:
            return {"visibility": self.PUBLIC, "school_path": "", "section_path": "", "partners": False}
        return {
            "visibility": self.CLASS if is_class else self.SCHOOL,
            "school_path": school_path,
            "section_path": section_path,
            "partners": is_class and self._visible_to_partners(page.specific_class),
        }

    def index_clauses(self, user) -> list[dict] | None:
        """The same rule as `viewable`, for documents carrying `index_audience`: a document is visible
        when ANY clause matches (every key of a clause must match; list values mean "one of").
        None means no restriction (superusers)."""
        scope = self.scope(user)
        if scope.superuser:
            return None
        clauses = [{"visibility": [self.PUBLIC]}]
        if scope.director_school_paths:
            clauses.append({"school_path": sorted(scope.director_school_paths)})
        if scope.class_paths:
            clauses.append({"visibility": [self.CLASS], "section_path": sorted(scope.class_paths)})
        if scope.member_school_paths:
            clauses.append({"visibility": [self.SCHOOL], "school_path": sorted(scope.member_school_paths)})
        if scope.partner_class_paths:
            clauses.append({"visibility": [self.CLASS], "section_path": sorted(scope.partner_class_paths),
                            "partners": [True]})
        return clauses

    # ------------------------------------------------------------------------------ people rules
    def pupils_of(self, user):
        """Pupils a user acts for as their guardian (workbook progress, forms): a Pupil queryset."""
        from .models import Pupil

        if user is None or not user.is_authenticated or not user.is_active:
            return Pupil.objects.none()
        return Pupil.objects.filter(guardianships__guardian__user=user).distinct()

    def can_act_for_pupil(self, user, pupil) -> bool:
        return self.pupils_of(user).filter(pk=pupil.pk).exists()

    # ----------------------------------------------------------------------------------- helpers
    @staticmethod
    def _visible_to_partners(model) -> bool:
        return getattr(model, "visible_to_partner_classes", False)

    def _partner_content_types(self):
        from wagtail.models import get_page_models

        models = [m for m in get_page_models() if self._visible_to_partners(m)]
        return [ct.pk for ct in ContentType.objects.get_for_models(*models).values()] if models else []


_UNSET = object()
_ACCESS_VERSION_KEY = "preau:access-version"
PUBLIC_FILE = "public"
PRIVATE_FILE = "private"


def _collection_of(obj):
    """The collection of an image, a document, or a rendition's image."""
    image = getattr(obj, "image", None)
    return (image if image is not None else obj).collection


policy = AccessPolicy()
can_view = policy.can_view
can_edit = policy.can_edit
viewable = policy.viewable
