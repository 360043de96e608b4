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
- Files (photos, documents) follow published content: someone who may not edit them receives one
  only if a live page they may view shows it (see "media rules" below), over a link signed for
  their browser (ent_pages.media.links).

- Pupils (the pupils app's accounts, see the "pupils" section below) see their current class's
  blog and galleries (and its partners' blogs when their teacher opens them), never another class,
  never a members-only section of their school unless its directors marked it for pupils
  (ent_pages.sections), never comments, notes, the family home or consent pages; they write only to
  their class's teachers, when those turn pupil messages on.

No Wagtail PageViewRestriction is created: the decision is made from enrolments and assignments,
so it costs a handful of indexed queries per request whatever the number of classes.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
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
_FACTS_ATTR = "_preau_conversation_facts"


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
    #: A pupil account (pupils app): its class this school year, and what its teacher shows to pupils
    #: (PUPIL_SEES_* names). Empty for everyone else.
    pupil: bool = False
    pupil_class_path: str = ""
    pupil_class_id: int | None = None
    pupil_sees: frozenset[str] = field(default_factory=frozenset)
    #: What conversation grounds rest on (AccessPolicy.conversation_grounds), as ids: the pupils the
    #: user is a guardian of, their (school id, staff role) pairs, the classes they teach.
    guarded_pupil_ids: frozenset[int] = field(default_factory=frozenset)
    staff_roles: frozenset[tuple[int, str]] = field(default_factory=frozenset)
    taught_class_ids: frozenset[int] = field(default_factory=frozenset)
    #: Whether one of the user's groups holds a page permission (Wagtail's, kept in sync with roles by
    #: ent_pages.roles, or given by an administrator): without one, no page is editable (``can_edit``).
    edits_pages: bool = False

    @property
    def is_empty(self):
        return not (self.superuser or self.class_paths or self.partner_class_paths
                    or self.member_school_paths or self.director_school_paths or self.pupil_class_path)


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
        return self._remembered_scope_and(user, [])[0]

    def _remembered_scope_and(self, user, keys) -> tuple[Scope, dict]:
        """`_remembered_scope`, and the cache entries `keys` read in the same round trip."""
        from django.core.cache import cache

        ttl = getattr(settings, "PREAU_SCOPE_CACHE_SECONDS", 60)
        if not ttl:
            return self._compute_scope(user), (self.access_version_and(keys)[1] if keys else {})
        key = self._scope_key(user.pk)
        version, remembered = self.access_version_and([key, *keys])  # one round trip
        stored = remembered.pop(key, None)
        if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == version:
            return stored[1], remembered
        scope = self._compute_scope(user)
        cache.set(key, (version, scope), ttl)
        return scope, remembered

    def scope_and(self, user, keys) -> tuple[Scope, dict]:
        """The user's scope and the cache entries `keys`, in one round trip with the access version
        when neither is read yet in this request (a page remembered per user reads its entry so)."""
        if user is None or not user.is_authenticated or not user.is_active or hasattr(user, _SCOPE_ATTR):
            return self.scope(user), (self.access_version_and(keys)[1] if keys else {})
        scope, found = self._remembered_scope_and(user, keys)
        setattr(user, _SCOPE_ATTR, scope)
        return scope, found

    def _scope_key(self, user_id) -> str:
        # Stored as (access version, scope): read with the version in one round trip; a scope from an
        # older version is not used. "scope4": scopes pickled by an older release are not read back.
        return f"preau:scope4:{user_id}"

    def forget(self, user) -> None:
        """Drop the scope remembered for a user (after their enrolments or roles changed in bulk)."""
        from django.core.cache import cache

        if user is None:
            return
        for attr in (_SCOPE_ATTR, _FACTS_ATTR):
            if hasattr(user, attr):
                delattr(user, attr)
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
        from django.db.models import CharField
        from django.db.models.functions import Cast
        from wagtail.models import GroupPagePermission

        from .models import Enrolment, Guardianship, Role, StaffAssignment, TeachingAssignment

        scopes = {u.pk: Scope(superuser=True) for u in users if u.is_superuser}
        ids = [u.pk for u in users if not u.is_superuser]
        if not ids:
            return scopes
        # Children's classes, classes taught and explicit grants (class ids), in one query.
        ENROLLED, TAUGHT, GRANTED, PUPIL, GUARDED, TAUGHT_ID, EDITS = 0, 1, 2, 3, 4, 5, 6
        as_text = {"output_field": CharField()}
        rows = (
            Enrolment.objects.filter(self.family_enrolments(), pupil__guardianships__guardian__user__in=ids)
            .annotate(user_id=F("pupil__guardianships__guardian__user"), kind=Value(ENROLLED))
            .values_list("user_id", "class_page__path", "kind")
            .union(
                TeachingAssignment.objects.filter(user__in=ids).annotate(kind=Value(TAUGHT))
                .values_list("user_id", "class_page__path", "kind"),
                *self._granted_class_rows(ids, GRANTED),
                self._pupil_class_rows(ids, PUPIL),
                # Ids for conversations' grounds, as text to share the columns.
                Guardianship.objects.filter(guardian__user__in=ids).annotate(
                    user_id=F("guardian__user"), value=Cast("pupil_id", **as_text), kind=Value(GUARDED))
                .values_list("user_id", "value", "kind"),
                TeachingAssignment.objects.filter(user__in=ids).annotate(
                    value=Cast("class_page_id", **as_text), kind=Value(TAUGHT_ID))
                .values_list("user_id", "value", "kind"),
                # Whether the user may edit any page at all (Wagtail's group page permissions).
                GroupPagePermission.objects.filter(group__user__in=ids).annotate(
                    user_id=F("group__user"), value=Cast("page_id", **as_text), kind=Value(EDITS))
                .values_list("user_id", "value", "kind"),
                all=True,
            )
        )
        class_paths = {pk: set() for pk in ids}
        taught = {pk: set() for pk in ids}
        granted, pupil_rows = [], {}
        guarded = {pk: set() for pk in ids}
        taught_ids = {pk: set() for pk in ids}
        edits_pages = set()
        for user_id, value, kind in rows:
            if kind == EDITS:
                edits_pages.add(user_id)
                continue
            if kind == GUARDED:
                guarded[user_id].add(int(value))
                continue
            if kind == TAUGHT_ID:
                taught_ids[user_id].add(int(value))
                continue
            if kind == GRANTED:
                granted.append((user_id, value))
                continue
            if kind == PUPIL:
                pupil_rows[user_id] = value
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
        staff_roles = {pk: set() for pk in ids}
        for user_id, role, school_path, school_id in StaffAssignment.objects.filter(
            user__in=ids, school__isnull=False
        ).values_list("user_id", "role", "school__path", "school_id"):
            staff_roles[user_id].add((school_id, role))
            member_schools[user_id].add(school_path)
            if role == Role.DIRECTOR:
                director_schools[user_id].add(school_path)
        partners = self._partner_paths_by_class(set().union(*class_paths.values(), pupil_rows.values()))
        scopes.update(self._pupil_scopes(pupil_rows, partners))
        for pk in ids:
            if pk in pupil_rows:
                continue
            own = class_paths[pk]
            partner_paths = set().union(*(partners.get(path, ()) for path in own)) - own
            scopes[pk] = Scope(
                class_paths=frozenset(own),
                taught_class_paths=frozenset(taught[pk]),
                partner_class_paths=frozenset(partner_paths),
                member_school_paths=frozenset(member_schools[pk]),
                director_school_paths=frozenset(director_schools[pk]),
                guarded_pupil_ids=frozenset(guarded[pk]),
                staff_roles=frozenset(staff_roles[pk]),
                taught_class_ids=frozenset(taught_ids[pk]),
                edits_pages=pk in edits_pages,
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

    def note_ancestor_types(self, page, content_type_ids_by_depth) -> None:
        """Tell the policy the content types of `page`'s ancestors (and its own), found with the page.

        Page serving (ent_pages.serving) reads them in the query that finds the page; `_section` then
        decides from them instead of asking the database again. Same facts, same decision.
        """
        from .models import ClassPage, SchoolPage

        school_path, section_path = self.section_paths(page)
        if school_path is None:
            page._preau_section = (None, None, False, False)
            return
        school_ct = ContentType.objects.get_for_model(SchoolPage).pk
        class_ct = ContentType.objects.get_for_model(ClassPage).pk
        page._preau_section = (
            school_path, section_path,
            content_type_ids_by_depth.get(SCHOOL_DEPTH) == school_ct,
            content_type_ids_by_depth.get(SCHOOL_DEPTH + 1) == class_ct,
        )

    def page_audience(self, user, page) -> str | None:
        """The audience `user` belongs to for `page`'s shared content, or None: nothing shared.

        Viewers of one audience are shown the same content on that page, so what it shows may be
        remembered per audience (ent_pages.page_cache), keyed with the access version:
        - a school page lists the sections `can_view` opens: all of them to its directors (and
          superusers); to anyone else its members-only sections if they are members, and the classes
          they belong to or read as partners ("school-member:<classes>", "school-visitor:<classes>");
        - a class page: "class-full" for those who see all of its live content (its families, teachers,
          the school's directors, explicit grants, superusers). Partner classes see its blog only:
          they get None and are served afresh, as are pupils (their teacher chooses what they see) and
          every other page.
        """
        from .models import ClassPage, SchoolPage

        scope = self.scope(user)
        if scope.pupil:
            return None
        if isinstance(page, SchoolPage):
            if scope.superuser or page.path in scope.director_school_paths:
                return "school-director"
            kind = "school-member" if page.path in scope.member_school_paths else "school-visitor"
            classes = sorted(p for p in scope.class_paths | scope.partner_class_paths if p.startswith(page.path))
            return f"{kind}:{','.join(classes)}"
        full = scope.superuser or page.path in scope.class_paths or page.path[:SCHOOL_PREFIX] in scope.director_school_paths
        return "class-full" if isinstance(page, ClassPage) and full else None

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
            if section_path == scope.pupil_class_path:
                return self._pupil_may_open(scope, page.specific_class)
            return section_path in scope.partner_class_paths and self._visible_to_partners(page.specific_class)
        if school_path in scope.member_school_paths:
            return True
        return self._pupil_may_open_section(scope, school_path, section_path, page)

    def can_edit(self, user, page) -> bool:
        """Editing is Wagtail's page permissions, kept in sync with roles by ent_pages.roles."""
        if not self.edits_any_page(user):
            return False
        return page.permissions_for_user(user).can_edit()

    def edits_any_page(self, user) -> bool:
        """Whether some page may be edited by `user` (no query: from the remembered scope). A family's
        home asks it before looking for the CLAE spaces or resource indexes it might edit."""
        if user is None or not user.is_authenticated or not user.is_active:
            return False
        scope = self.scope(user)
        return scope.superuser or scope.edits_pages

    # --------------------------------------------------------------------------- queryset rules
    def viewable(self, user, queryset, *, for_search=False):
        """Filter a page queryset to what `user` may view, in SQL, whatever the number of classes.

        ``for_search``: see `searchable` (partner classes and pupils find only the pages they may read in full).
        """
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
            partner_types = self._partner_searchable_content_types() if for_search else self._partner_content_types()
            allowed |= Q(_preau_section__in=scope.partner_class_paths) & Q(content_type__in=partner_types)
        if scope.pupil_class_path and PUPIL_SEES_BLOG in scope.pupil_sees:
            # In search, a pupil finds what partners find of a class (its blog): never the class page's word
            # to families, which search would match and quote (index_clauses says the same to Elasticsearch).
            pupil_types = self._partner_searchable_content_types() if for_search else self._pupil_content_types()
            allowed |= Q(_preau_section=scope.pupil_class_path) & Q(content_type__in=pupil_types)
        if scope.pupil_class_path:
            allowed |= self._pupil_sections_q(scope.pupil_class_path[:SCHOOL_PREFIX])
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
    # (Private media, issue 10.) A file reaches a family member, a partner class, or anyone else who
    # may not edit it, only through a PUBLISHED page they may view that USES it in its live content:
    # a post's image blocks, a gallery's live photos and children's work, a document linked from a
    # live page, a class's homework attachments (ent_pages.media.LiveFileUsage, rebuilt at every
    # publish from the live content, dropped at unpublish). Drafts, revisions awaiting moderation,
    # files only in a collection, and content a template hides from partners (``partner_visible``
    # false: a class page's photos, documents and welcome text) reach nobody but the staff who may
    # edit them: editors of the page the file's collection belongs to (PageCollection) and holders
    # of Wagtail collection permissions there. Lists such as a class page's "Latest photos" are built
    # with ``viewable_files``. Delivery: page templates hand out links signed for the viewer's browser
    # (ent_pages.media.links); serving checks the signature only.

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

    def can_edit_files(self, user, collection) -> bool:
        """Staff who may edit the page the collection belongs to, or who manage the collection: they
        see every file there, drafts' and galleries' awaiting moderation included."""
        if user is None or not user.is_authenticated or not user.is_active:
            return False
        page = self.collection_page(collection)
        if page is not None and self.can_edit(user, page):
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

    def viewable_file_usages(self, user, queryset=None):
        """LiveFileUsage rows whose page `user` may view, live, and partner-visible for partner classes."""
        from .models import LiveFileUsage

        queryset = LiveFileUsage.objects.all() if queryset is None else queryset
        scope = self.scope(user)
        queryset = queryset.filter(page__live=True)
        if scope.superuser:
            return queryset
        return queryset.filter(page__in=self.viewable(user, Page.objects.all()).values("pk")).filter(
            self._partner_usage_filter(scope)
        )

    def _partner_usage_filter(self, scope):
        """Usages on the pages of a class seen as a partner only when partners see them (blog content)."""
        partner_only = sorted(p for p in scope.partner_class_paths if p[:SCHOOL_PREFIX] not in scope.director_school_paths)
        if not partner_only:
            return Q()
        on_partner_page = Q(page__path__startswith=partner_only[0])
        for path in partner_only[1:]:
            on_partner_page |= Q(page__path__startswith=path)
        return ~on_partner_page | Q(partner_visible=True)

    def viewable_files(self, user, queryset):
        """Filter a PrivateImage or PrivateDocument queryset to the files live pages show `user`.

        What families receive; lists shown to everyone (a class page's "Latest photos") use it too,
        so that they show published content, never a collection.
        """
        from .models import PrivateImage

        field = "image_id" if issubclass(queryset.model, PrivateImage) else "document_id"
        usages = self.viewable_file_usages(user).filter(**{f"{field}__isnull": False}).values(field)
        return queryset.filter(pk__in=usages)

    def can_view_file(self, user, obj) -> bool:
        """May `user` receive a link to this image, rendition or document?"""
        from .models import PrivateImage

        image = getattr(obj, "image", None)
        target = image if image is not None else obj
        field = "image" if isinstance(target, PrivateImage) else "document"
        if self.viewable_file_usages(user).filter(**{field: target.pk}).exists():
            return True
        return self.can_edit_files(user, target.collection)

    @staticmethod
    def access_version() -> int:
        """The access version; read once per request (``AccessVersionMiddleware``), else at each call."""
        from django.core.cache import cache

        memo = _REQUEST_ACCESS_VERSION.get()
        if memo is None:
            return cache.get(_ACCESS_VERSION_KEY) or 0
        if memo[0] is None:
            memo[0] = cache.get(_ACCESS_VERSION_KEY) or 0
        return memo[0]

    @staticmethod
    def access_version_and(keys) -> tuple[int, dict]:
        """The access version and the cache entries `keys`, in one round trip when the version is not
        read yet in this request (an entry stored with its version is then checked against it)."""
        from .page_cache import read  # one round trip with what the request's page named (prefetch)

        memo = _REQUEST_ACCESS_VERSION.get()
        if memo is not None and memo[0] is not None:
            return memo[0], read(keys)
        found = read([_ACCESS_VERSION_KEY, *keys])
        version = found.pop(_ACCESS_VERSION_KEY, None) or 0
        if memo is not None:
            memo[0] = version
        return version, found

    @staticmethod
    def bump_access_version() -> None:
        """Forget every remembered scope (called on any change that can grant or revoke access)."""
        from django.core.cache import cache

        try:
            cache.incr(_ACCESS_VERSION_KEY)
        except ValueError:
            cache.set(_ACCESS_VERSION_KEY, 1, None)
        memo = _REQUEST_ACCESS_VERSION.get()
        if memo is not None:
            memo[0] = None  # this request read it before its own change: read it again

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
        """A note (mot à signer): its recipients once delivered (see `received_notes`), its managers."""
        if user is None or not user.is_authenticated or not user.is_active:
            return False
        if self.can_manage_note(user, note):
            return True
        return note.is_delivered and self.received_notes(user).filter(pk=note.pk).exists()

    def can_manage_note(self, user, note) -> bool:
        """See acknowledgements, export and remind: the class's teachers, the school's directors.

        Its sender as long as they still are one of these: a teacher taken off the class no longer
        follows its families' acknowledgements.
        """
        if user is None or not user.is_authenticated or not user.is_active:
            return False
        if note.class_page_id:
            return self.can_manage_class(user, note.class_page)
        return self.can_manage_school(user, note.school)

    # ------------------------------------------------ notes and guardians (issue 11: one policy, really)
    # Who a note goes to, who reads it, who manages it, and whose guardian a user is: decided here
    # only (class_blog.notes, class_blog.views, class_blog.feed, periscolaire and "my space" ask).

    def note_audience(self, *, class_page=None, school=None, pupils=None):
        """(guardian id, pupil id) pairs a note is sent to: the chosen pupils' guardians, else the
        guardians of this year's pupils of the class, else of every class of the school."""
        from .models import ClassPage, Guardianship

        guardianships = Guardianship.objects.all()
        if pupils is not None:
            guardianships = guardianships.filter(pupil__in=pupils)
        else:
            classes = [class_page] if class_page is not None else ClassPage.objects.child_of(school)
            guardianships = guardianships.filter(pupil__enrolments__class_page__in=classes,
                                                 pupil__enrolments__school_year=current_school_year())
        return guardianships.values_list("guardian_id", "pupil_id").distinct()

    def received_notes(self, user, now=None):
        """Delivered notes the user reads as a guardian (a Note queryset).

        A recipient row is not enough: the user must still be a guardian of the pupil it was sent
        about, and the note's class (or school) must still be theirs, so that a removed guardianship
        or enrolment closes the notes at once, like every other channel.
        """
        from django.apps import apps
        from django.db.models import Exists, OuterRef

        note_model = apps.get_model("class_blog", "Note")
        if user is None or not user.is_authenticated or not user.is_active:
            return note_model.objects.none()
        recipient_model = note_model._meta.get_field("recipients").related_model
        current_recipient = recipient_model.objects.filter(
            note=OuterRef("pk"), guardian__user=user, guardian__guardianships__pupil=F("pupil")
        )
        scope = self.scope(user)
        audience = Q(class_page__in=self.viewable_class_ids(user)) | Q(
            class_page__isnull=True, school__path__in=scope.member_school_paths | scope.director_school_paths
        )
        return note_model.objects.delivered(now).filter(Exists(current_recipient)).filter(audience)

    def pending_notes(self, user, now=None):
        """Received notes the user has yet to acknowledge."""
        from django.db.models import Exists, OuterRef

        notes = self.received_notes(user, now)
        recipient_model = notes.model._meta.get_field("recipients").related_model
        return notes.filter(Exists(recipient_model.objects.filter(
            note=OuterRef("pk"), guardian__user=user, acknowledged_at__isnull=True)))

    def managed_notes(self, user):
        """Notes whose acknowledgements the user follows: to a class they manage, or to a school they
        direct (a Note queryset; see `can_manage_note`)."""
        from django.apps import apps

        note_model = apps.get_model("class_blog", "Note")
        scope = self.scope(user)
        if scope.superuser:
            return note_model.objects.all()
        if user is None or not user.is_authenticated or not user.is_active:
            return note_model.objects.none()
        return note_model.objects.filter(
            Q(class_page__in=self.managed_classes(user))
            | Q(class_page__isnull=True, school__path__in=scope.director_school_paths)
        )

    def can_send_notes(self, user) -> bool:
        """Whether the user manages a class or directs a school (the "new note" entry)."""
        scope = self.scope(user)
        return scope.superuser or bool(scope.taught_class_paths or scope.director_school_paths)

    def guardianships_of(self, user):
        """The user's guardianships (one per child they are responsible for): a Guardianship queryset."""
        from .models import Guardianship

        if user is None or not user.is_authenticated or not user.is_active:
            return Guardianship.objects.none()
        return Guardianship.objects.filter(guardian__user=user)

    def is_guardian_of(self, guardian, pupil) -> bool:
        """Whether a guardian record is responsible for a pupil (image consent decisions)."""
        from .models import Guardianship

        return Guardianship.objects.filter(guardian=guardian, pupil=pupil).exists()

    # ---------------------------------------------------------------------- end of notes and guardians

    def can_comment(self, user, post) -> bool:
        """Comment on a post: whoever may read it (partner classes included), with an account; never pupils."""
        return user is not None and user.is_authenticated and self.can_view_comments(user, post) and self.can_view(user, post)

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
        """Add posts and galleries under the class (and edit them): its teachers and directors with the page permission.

        The page permission's answer is remembered like scopes, under the access version (page
        permissions, groups and moves bump it), so that a teacher's visit to their class page costs
        no permission query.
        """
        if not self.can_manage_class(user, class_page):
            return False
        from django.core.cache import cache

        from .page_cache import read

        ttl = getattr(settings, "PREAU_SCOPE_CACHE_SECONDS", 60)
        if not ttl:
            return self.can_edit(user, class_page)
        key = self._write_in_class_key(user.pk, class_page.pk)
        stored = read([key]).get(key)  # named with the page's other reads (`cache_keys_for_page`)
        version = self.access_version()
        if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == version:
            return stored[1]
        remembered = self.can_edit(user, class_page)
        cache.set(key, (version, remembered), ttl)
        return remembered

    @staticmethod
    def _write_in_class_key(user_id, page_id) -> str:
        # Stored as (access version, answer), so that the key is known before the version is read.
        return f"preau:write-in-class2:{user_id}:{page_id}"

    def cache_keys_for_page(self, user, page) -> list[str]:
        """The remembered answers serving `page` to `user` may read besides the scope (fetched with it in
        one round trip: ent_pages.page_cache.prefetch_page)."""
        from .models import ClassPage

        if user is None or not user.is_authenticated or not isinstance(page, ClassPage):
            return []
        return [self._write_in_class_key(user.pk, page.pk)]

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
        ``partners`` says whether partner classes may read it (class_blog's partner rule); ``pupils``
        whether the school's pupils may (a members-only section its directors marked ``for_pupils``).
        Changing the mark re-indexes the section's subtree (search.signals).
        """
        school_path, section_path, under_school, is_class = self._section(page)
        if not under_school:
            return {"visibility": self.PUBLIC, "school_path": "", "section_path": "", "partners": False,
                    "pupils": False}
        return {
            "visibility": self.CLASS if is_class else self.SCHOOL,
            "school_path": school_path,
            "section_path": section_path,
            "partners": is_class and self._searchable_by_partners(page.specific_class),
            "pupils": not is_class and self._section_for_pupils(section_path, page),
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
        if scope.pupil_class_path and PUPIL_SEES_BLOG in scope.pupil_sees:
            # Documents store no page type: pupils get their class's blog (what partners read), not its galleries.
            clauses.append({"visibility": [self.CLASS], "section_path": [scope.pupil_class_path], "partners": [True]})
        if scope.pupil_class_path:
            clauses.append({"visibility": [self.SCHOOL], "school_path": [scope.pupil_class_path[:SCHOOL_PREFIX]],
                            "pupils": [True]})
        return clauses

    #: The keys of each kind of clause `index_clauses` returns (sorted), for `index_tags`.
    INDEX_CLAUSE_SHAPES = (
        ("visibility",),
        ("school_path",),
        ("section_path", "visibility"),
        ("school_path", "visibility"),
        ("partners", "section_path", "visibility"),
        ("pupils", "school_path", "visibility"),
    )

    @staticmethod
    def _index_tag(pairs) -> str:
        return "&".join(f"{key}={str(value).lower() if isinstance(value, bool) else value}" for key, value in pairs)

    def index_tags(self, page) -> list[str]:
        """`index_audience` as audience tags, for an index that filters by array overlap (PostgreSQL GIN).

        One tag per clause shape: the document's own value for each key of the shape
        ("visibility=class&section_path=0001…"). A clause of `index_clauses` matches the document exactly
        when one of `index_tags_for`'s tags for it is among these: the same rule, not a second one.
        """
        audience = self.index_audience(page)
        return [self._index_tag((key, audience[key]) for key in shape) for shape in self.INDEX_CLAUSE_SHAPES]

    def index_tags_for(self, user) -> list[str] | None:
        """The tags of `index_clauses(user)`: a document is visible when it carries one of them. None:
        no restriction (superusers)."""
        from itertools import product

        clauses = self.index_clauses(user)
        if clauses is None:
            return None
        tags = set()
        for clause in clauses:
            shape = tuple(sorted(clause))
            if shape not in self.INDEX_CLAUSE_SHAPES:
                raise ValueError(f"index clause {shape} has no tag shape (AccessPolicy.INDEX_CLAUSE_SHAPES)")
            for values in product(*(clause[key] for key in shape)):
                tags.add(self._index_tag(zip(shape, values, strict=True)))
        return sorted(tags)

    def prime_sections(self, pages) -> None:
        """Work out the sections of many pages in one statement (a bulk index build, a search's hits):
        what `index_audience` and `can_view` would otherwise ask page by page, the sections' marks for
        pupils included."""
        from .models import ClassPage, SchoolPage

        pending = [page for page in pages if getattr(page, "_preau_section", None) is None]
        paths = set()
        for page in pending:
            paths.update(path for path in self.section_paths(page) if path)
        facts = self._section_facts(sorted(paths)) if paths else {}
        school_ct = ContentType.objects.get_for_model(SchoolPage).pk
        class_ct = ContentType.objects.get_for_model(ClassPage).pk
        for page in pending:
            school_path, section_path = self.section_paths(page)
            if school_path is None:
                page._preau_section = (None, None, False, False)
                continue
            school_type = facts.get(school_path, (None, False))[0]
            section_type, marked = facts.get(section_path, (None, False))
            page._preau_section = (school_path, section_path, school_type == school_ct, section_type == class_ct)
            page._preau_for_pupils = marked

    def _section_facts(self, paths) -> dict[str, tuple[int, bool]]:
        """{path: (content type id, marked for pupils)} of the pages at `paths`, in one statement (raw
        SQL written once: the ORM's compiling cost more than the query, for a search's ten hits)."""
        sql = getattr(self, "_section_facts_sql", None)
        if sql is None:
            marks = [
                f"EXISTS (SELECT 1 FROM {model._meta.db_table} AS m WHERE m.{model._meta.pk.column} = p.id"  # noqa: S608
                " AND m.for_pupils)"
                for model in self._pupil_section_models()
            ]
            sql = (f"SELECT p.path, p.content_type_id, {' OR '.join(marks) or 'FALSE'} "  # noqa: S608 - names
                   "FROM wagtailcore_page AS p WHERE p.path IN ({})")
            self._section_facts_sql = sql
        with connection.cursor() as cursor:
            cursor.execute(sql.format(", ".join(["%s"] * len(paths))), list(paths))
            return {path: (content_type_id, bool(marked)) for path, content_type_id, marked in cursor.fetchall()}

    # ------------------------------------- admin listings that name pages (issue 11, hardening B)
    # Wagtail's bulk-action confirmations and page types usage report name pages: they keep to the
    # pages the user may edit (ent_pages.admin_listings).

    def editable(self, user, queryset):
        """Filter a page queryset to the pages `user` may edit (Wagtail page permissions, in SQL)."""
        if user is None or not user.is_authenticated or not user.is_active:
            return queryset.none()
        if user.is_superuser:
            return queryset
        from wagtail.permission_policies.pages import PagePermissionPolicy

        editable = PagePermissionPolicy().instances_user_has_any_permission_for(user, ["change"])
        return queryset.filter(pk__in=editable.values("pk"))

    # ----------------------------------------------- second factor (issue 11, hardening B)
    # Staff sign in with a second factor (ent_pages.second_factor); families may. A school's directors
    # reset the second factor of the school's teachers and CLAE staff (a lost phone).

    def needs_second_factor(self, user) -> bool:
        """Teachers, directors, CLAE staff, city editors and administrators: anyone with a staff role or
        the Wagtail admin. Two small queries, asked at login only."""
        if user is None or not user.is_active or user.pk is None:
            return False
        if user.is_superuser or user.is_staff:
            return True
        return (user.staff_assignments.exists() or user.teaching_assignments.exists()
                or user.has_perm("wagtailadmin.access_admin"))

    def second_factor_resettable(self, user):
        """The accounts whose second factor `user` may reset (a User queryset)."""
        from .models import Role, User

        scope = self.scope(user)
        others = User.objects.exclude(pk=getattr(user, "pk", None)).filter(is_superuser=False)
        if scope.superuser:
            return others
        if not scope.director_school_paths:
            return User.objects.none()
        below_director = [Role.TEACHER, Role.CLAE_DIRECTOR, Role.CLAE_ANIMATOR]
        return others.filter(
            staff_assignments__school__path__in=scope.director_school_paths, staff_assignments__role__in=below_director,
        ).exclude(staff_assignments__role=Role.DIRECTOR, staff_assignments__school__path__in=scope.director_school_paths).distinct()

    def can_reset_second_factor(self, user, target) -> bool:
        return self.second_factor_resettable(user).filter(pk=target.pk).exists()

    def can_reset_some_second_factor(self, user) -> bool:
        """Whether the staff list of second factors opens to the user (the admin menu entry, the view)."""
        return self.scope(user).superuser or self.second_factor_resettable(user).exists()

    # ------------------------------------------- who did what (issue 11, hardening B)
    # The log of a school's sensitive actions (ent_pages.audit) is for its directors.

    def audited_schools(self, user):
        """SchoolPage queryset whose log of sensitive actions `user` may read."""
        from .models import SchoolPage

        scope = self.scope(user)
        if scope.superuser:
            return SchoolPage.objects.all()
        return SchoolPage.objects.filter(path__in=scope.director_school_paths)

    def can_view_some_school_log(self, user) -> bool:
        scope = self.scope(user)
        return scope.superuser or bool(scope.director_school_paths)

    # ------------------------------------- what a partner class sees of a page (issue 11, hardening B)
    # A partner class reads a class's blog only. A page model may open itself to partners while hiding
    # some of its fields from them (``partner_hidden_fields``: the class page shows partners its posts,
    # never its word to families). Search must not reveal those fields: not as a snippet, not as a match.

    def sees_as_partner(self, user, page) -> bool:
        """Whether `user` reaches `page` only through a partnership of their class (blog only)."""
        school_path, section_path, under_school, is_class = self._section(page)
        if not (under_school and is_class):
            return False
        scope = self.scope(user)
        if scope.superuser or school_path in scope.director_school_paths or section_path in scope.class_paths:
            return False
        return section_path in scope.partner_class_paths

    def partner_hidden_fields(self, user, page) -> tuple[str, ...]:
        """The fields of `page` that `user` may not read (empty unless they see it as a partner)."""
        if not self.sees_as_partner(user, page):
            return ()
        return tuple(getattr(page.specific_class, "partner_hidden_fields", ()))

    def searchable(self, user, queryset):
        """`viewable`, minus the pages a user sees as a partner but not in full: search matches and
        snippets read every search field, so such a page is no search result for partners."""
        return self.viewable(user, queryset, for_search=True)

    def search_results(self, user, pages) -> list:
        """The pages among `pages` (current rows: live, inside their dates) that `user` may get as search
        results, decided now by the index's own rule: each page's tags (`index_tags`, from its row and
        its sections read in one statement) against the user's (`index_tags_for`). Same rule as
        `searchable`, without building its queryset for ten ids.

        Every engine asks it of the hits and suggestions it is about to return, whatever its index said:
        an entry left stale by a failed index update (a page moved to another class) is never read here,
        so it never shows its title or snippet to the wrong family.
        """
        pages = list(pages)
        wanted = self.index_tags_for(user)
        if wanted is None or not pages:
            return pages
        wanted = set(wanted)
        self.prime_sections(pages)
        return [page for page in pages if not wanted.isdisjoint(self.index_tags(page))]

    # ------------------------------------------------------------------------------ people rules
    def pupils_of(self, user):
        """Pupils a user acts for (workbook progress, forms): as their guardian, or a pupil for themself."""
        from django.apps import apps

        from .models import Guardianship, Pupil

        if user is None or not user.is_authenticated or not user.is_active:
            return Pupil.objects.none()
        scope = self.scope(user)
        if scope.superuser:
            return Pupil.objects.filter(
                Q(pk__in=Guardianship.objects.filter(guardian__user=user).values("pupil_id"))
                | Q(pk__in=apps.get_model("pupils", "PupilAccount").objects.filter(user=user, is_active=True)
                    .values("pupil_id"))
            )
        # A family's children come with its remembered scope: an indexed lookup by id (an OR across two
        # joins made PostgreSQL join every guardianship of the city, 0.5 s for 35,000 pupils). A pupil
        # account is a user of its own (pupils.accounts), never a guardian: it acts for its pupil only.
        if scope.guarded_pupil_ids:
            return Pupil.objects.filter(pk__in=sorted(scope.guarded_pupil_ids))
        return Pupil.objects.filter(login_account__user=user, login_account__is_active=True)

    def can_act_for_pupil(self, user, pupil) -> bool:
        return self.pupils_of(user).filter(pk=pupil.pk).exists()

    # ------------------------------------------------------ offline reading (issue 16, ent_pages.webapp)
    def may_keep_offline(self, user) -> bool:
        """Whether the family pages `user` reads (home, notes, homework) may stay on their device for
        offline reading, in a cache of their own that logout wipes (docs/webapp.md).

        Families only: an account whose every school comes from its children's classes. Staff pages
        (school figures, registers, moderation), administrators and pupils' shared tablets never stay.
        Read from the scope: no query once the request knows it.
        """
        if user is None or not user.is_authenticated or not user.is_active or user.is_staff:
            return False
        scope = self.scope(user)
        if scope.superuser or scope.pupil or scope.taught_class_paths or scope.director_school_paths:
            return False
        family_schools = {path[:SCHOOL_PREFIX] for path in scope.class_paths}
        return bool(scope.class_paths) and scope.member_school_paths <= family_schools

    # ------------------------------------------------------------ the JSON API (issue 16, api/)
    # The phone app reads what the HTML pages show, through the same rules: every endpoint of the api
    # app asks the methods above (viewable, can_view, can_view_class_private, received_notes,
    # can_view_file...). Only who may hold a token is decided here.

    def may_use_api(self, user) -> bool:
        """Whether `user` may obtain and use an API token (the family and staff app).

        Active accounts, pupils' excepted: a pupil's session is confined to the pupil space on a
        shared tablet (``pupil_may_use``), and a token kept on a device would outlive that confinement.
        """
        if user is None or not user.is_authenticated or not user.is_active:
            return False
        return not self.is_pupil(user)

    # ========================================================== conversations (issue 14, conversations/)
    # Private messaging between people who may talk (see docs/conversations.md):
    # - a family member ↔ their children's teachers (this year's class), the school's directors and
    #   CLAE directors;
    # - a member of staff (teacher of the class, director or CLAE director of the school) ↔ one pupil's
    #   family (all its guardians with an account) or one guardian;
    # - staff → a class's families as a broadcast (one thread per family, replies reach the sender
    #   only): classes they teach, or any class of a school they direct;
    # - staff ↔ staff of the same school; a teacher ↔ the teachers of a partner class (accepted
    #   partnership, either direction);
    # - never family ↔ family, never a family to a whole class;
    # - a pupil ↔ the teachers of their current class, only while those teachers turn pupil messages on
    #   (pupils.ClassPupilSettings.messages_enabled); never pupil ↔ pupil, never a pupil ↔ a family.
    # Each participant row records the *grounds* it was added on (guardian of a pupil, teacher of a
    # class, staff role in a school). Reading and posting require the grounds to hold now: they are
    # checked from live guardianships and staff assignments and from the scope (taught classes), so a
    # revoked guardianship or teaching assignment closes the thread at the next request.
    # Attachments reach those who may view the thread, once delivered, never once recalled, over links
    # signed for their browser (can_view_attachment). Sending stops while a suspension, a burst lock or
    # a new-device pause (set in messaging_lock_schools) is in force, until a director lifts it.

    def conversation_grounds(self, user):
        """Q on conversations.Participant: the rows of `user` whose grounds still hold. No query by itself.

        Built from plain ids (`conversation_facts`): the pupils the user is a guardian of, their staff
        roles, the classes they teach. Those facts are remembered under the access version like the
        scope (every change of guardianship or assignment bumps it), so a revocation holds at the next
        request; partnerships are checked live.
        """
        from django.apps import apps

        if user is None or not user.is_authenticated or not user.is_active:
            return Q(pk__in=[])
        scope = self.scope(user)
        thread_model = apps.get_model("conversations", "Thread")
        if scope.pupil:
            # A pupil: only their own rows in pupil threads of their current class, while its teachers keep
            # messages on (the scope says so; it is computed for an active account only).
            if not self.pupil_may_see(user, PUPIL_SEES_MESSAGES):
                return Q(pk__in=[])
            return Q(user=user, thread__kind=thread_model.Kind.PUPIL, class_page__path=scope.pupil_class_path,
                     pupil__login_account__user=user)
        facts = self.conversation_facts(user)
        grounds = Q(pk__in=[])
        if facts.guarded_pupil_ids:
            grounds |= Q(pupil_id__in=sorted(facts.guarded_pupil_ids))
        for school_id, role in sorted(facts.staff_roles):
            grounds |= Q(school_id=school_id, staff_role=role)
        if facts.taught_class_ids:
            grounds |= Q(class_page_id__in=sorted(facts.taught_class_ids))
        # Partner-class threads last as long as the partnership, checked live (a revoked partnership
        # closes them even when changed in bulk): only teachers can be in one, so only their rows pay
        # for the two subqueries.
        partner_ok = ~Q(thread__kind=thread_model.Kind.PARTNER)
        if facts.taught_class_ids:
            from django.db.models import Exists, OuterRef

            accepted = apps.get_model("class_blog", "ClassPartnership").objects.accepted()
            partner_ok |= Exists(accepted.filter(inviting_class=OuterRef("thread__class_page"),
                                                 invited_class=OuterRef("thread__partner_class"))) | Exists(
                accepted.filter(inviting_class=OuterRef("thread__partner_class"),
                                invited_class=OuterRef("thread__class_page")))
        return Q(user=user) & grounds & partner_ok

    def conversation_facts(self, user) -> Scope:
        """The scope, which carries the ids conversation grounds rest on. A superuser's scope does not
        (it needs none to see pages): theirs are read, three queries, memoised on the user object."""
        scope = self.scope(user)
        if not scope.superuser:
            return scope
        facts = getattr(user, _FACTS_ATTR, None)
        if facts is None:
            from .models import Guardianship, StaffAssignment, TeachingAssignment

            facts = Scope(
                superuser=True,
                guarded_pupil_ids=frozenset(Guardianship.objects.filter(guardian__user=user).values_list("pupil_id", flat=True)),
                staff_roles=frozenset(StaffAssignment.objects.filter(user=user, school__isnull=False)
                                      .values_list("school_id", "role")),
                taught_class_ids=frozenset(TeachingAssignment.objects.filter(user=user).values_list("class_page_id", flat=True)),
            )
            setattr(user, _FACTS_ATTR, facts)
        return facts

    def conversation_participations(self, user):
        """The user's Participant rows that open their thread (the inbox, unread counts)."""
        from django.apps import apps

        participant = apps.get_model("conversations", "Participant")
        return participant.objects.filter(self.conversation_grounds(user))

    def thread_participation(self, user, thread):
        """The user's participant row in `thread` if its grounds still hold, else None. One query."""
        return self.conversation_participations(user).filter(thread=thread).first()

    def thread_participation_by_id(self, user, thread_id):
        """The user's participant row in thread `thread_id` if its grounds hold, with the thread and its
        school, and whether the user may send now (``sending_allowed``): one query for a thread page or a
        reply. None if not a participant (a director reading a reported thread asks `can_view_thread`)."""
        from django.apps import apps
        from django.db.models import Exists

        restriction = apps.get_model("conversations", "MessagingRestriction")
        return (
            self.conversation_participations(user).filter(thread_id=thread_id).select_related("thread__school")
            .annotate(sending_blocked=Exists(restriction.objects.in_force().filter(user=user.pk)))
            .first()
        )

    def can_view_thread(self, user, thread) -> bool:
        """Its participants whose grounds hold; the school's directors once it was reported to them."""
        if self.thread_participation(user, thread) is not None:
            return True
        return thread.reports.exists() and self.can_moderate_thread(user, thread)

    def can_view_attachment(self, user, attachment, participation=None, now=None) -> bool:
        """May `user` receive a signed link to a message's photo or document?

        Those who may view the thread (its participants whose grounds hold, directors once it was
        reported), once the message is delivered (a scheduled message's file stays its sender's
        until then), and nobody for a recalled message. `participation`: the user's row in the
        thread, already checked by the caller (``thread_participation``); otherwise the thread is
        checked once per thread object (a page listing many files asks once).
        """
        from django.utils import timezone

        if user is None or not user.is_authenticated or not user.is_active:
            return False
        message = attachment.message
        if message.recalled_at:
            return False
        if message.sender_id != user.pk and message.visible_at > (now or timezone.now()):
            return False
        thread = message.thread
        if participation is not None:
            return participation.user_id == user.pk and participation.thread_id == thread.pk
        memo = thread.__dict__.setdefault("_preau_viewers", {})
        if user.pk not in memo:
            memo[user.pk] = self.can_view_thread(user, thread)
        return memo[user.pk]

    def can_post_in_thread(self, user, thread, participation=None) -> bool:
        """A participant whose grounds hold, in an open thread, with sending allowed (not suspended or locked).

        A pupil thread takes new messages only while its class's teachers keep pupil messages on.
        """
        if thread.closed_at or thread.archived_at:
            return False
        if thread.kind == "pupil" and not self.pupil_messages_open(thread.class_page_id):
            return False
        participation = participation or self.thread_participation(user, thread)
        if participation is None:
            return False
        blocked = getattr(participation, "sending_blocked", None)  # thread_participation_by_id read it
        return not blocked if blocked is not None else self.may_send_messages(user)

    def can_moderate_thread(self, user, thread) -> bool:
        """Close a thread, read what was reported, suspend a family: the thread's school's directors."""
        scope = self.scope(user)
        return scope.superuser or thread.school.path in scope.director_school_paths

    def may_send_messages(self, user) -> bool:
        """No suspension, burst lock nor new-device pause in force (conversations.MessagingRestriction). One query."""
        from django.apps import apps

        if user is None or not user.is_authenticated or not user.is_active:
            return False
        restriction = apps.get_model("conversations", "MessagingRestriction")
        return not restriction.objects.in_force().filter(user=user).exists()

    def messaging_lock_schools(self, user):
        """SchoolPage queryset of the schools `user` belongs to (their children's classes, classes they
        teach, staff roles): where a new-device pause is set, so that those schools' directors can lift
        it. Empty for accounts without a school (city staff, superusers)."""
        from .models import SchoolPage

        if user is None or not user.is_authenticated:
            return SchoolPage.objects.none()
        return SchoolPage.objects.filter(path__in=sorted(self.scope(user).member_school_paths))

    def can_clear_messaging_restriction(self, user, restriction) -> bool:
        """Lift a suspension, a burst lock or a new-device pause: the directors of the school it was set in."""
        scope = self.scope(user)
        return scope.superuser or (restriction.school_id is not None and restriction.school.path in scope.director_school_paths)

    def moderated_schools(self, user):
        """SchoolPage queryset whose conversations the user moderates (reports, locks)."""
        from .models import SchoolPage

        scope = self.scope(user)
        if scope.superuser:
            return SchoolPage.objects.all()
        return SchoolPage.objects.filter(path__in=sorted(scope.director_school_paths))

    def can_broadcast_to_class(self, user, class_page) -> bool:
        """A message to every family of a class: its teachers, the school's directors (never families)."""
        scope = self.scope(user)
        return class_page.path in scope.taught_class_paths or class_page.path[:SCHOOL_PREFIX] in scope.director_school_paths

    def broadcast_grounds(self, user, class_page) -> dict:
        """The sender's grounds in each thread of a broadcast to `class_page`."""
        from .models import Role

        if class_page.path in self.scope(user).taught_class_paths:
            return {"class_page_id": class_page.pk}
        return {"school_id": class_page.get_parent().pk, "staff_role": Role.DIRECTOR}

    def messageable_pupils(self, user):
        """{pupil id: (grounds of the user, school id, class id)}: the families a member of staff may write to.

        This year's pupils of the classes they teach (as their teacher) and of the schools they direct
        or run the CLAE of (in that role). Two queries.
        """
        from .models import Enrolment, Role, SchoolPage, StaffAssignment
        from .school_year import current_school_year

        scope = self.scope(user)
        result = {}
        staff_roles = {}
        for school_id, school_path, role in StaffAssignment.objects.filter(
            user=user, role__in=[Role.DIRECTOR, Role.CLAE_DIRECTOR], school__isnull=False
        ).values_list("school_id", "school__path", "role"):
            staff_roles.setdefault(school_path, (school_id, role))
        if not scope.taught_class_paths and not staff_roles:
            return result
        classes = Q(class_page__path__in=sorted(scope.taught_class_paths))
        for school_path in staff_roles:
            classes |= Q(class_page__path__startswith=school_path)
        schools = {}
        rows = Enrolment.objects.filter(classes, school_year=current_school_year()).values_list(
            "pupil_id", "class_page_id", "class_page__path"
        )
        for pupil_id, class_id, class_path in rows:
            school_path = class_path[:SCHOOL_PREFIX]
            if class_path in scope.taught_class_paths:
                grounds = {"class_page_id": class_id}
            else:
                school_id, role = staff_roles[school_path]
                grounds = {"school_id": school_id, "staff_role": role}
            schools.setdefault(school_path, None)
            result[pupil_id] = (grounds, school_path, class_id)
        school_ids = dict(SchoolPage.objects.filter(path__in=list(schools)).values_list("path", "pk"))
        return {pk: (grounds, school_ids[path], class_id) for pk, (grounds, path, class_id) in result.items()}

    def conversation_contacts(self, user) -> list[ConversationContact]:
        """Everyone `user` may start a thread with (see the rules above), memoised on the user object."""
        if user is None or not user.is_authenticated or not user.is_active:
            return []
        memo = getattr(user, "_preau_contacts", None)
        if memo is None and self.scope(user).pupil:
            memo = user._preau_contacts = self._pupil_contacts(user)
        if memo is None:
            memo = (self._family_contacts(user) + self._staff_family_contacts(user) + self._colleague_contacts(user)
                    + self._teacher_pupil_contacts(user))
            user._preau_contacts = memo
        return memo

    def _family_contacts(self, user):
        """A guardian → their children's teachers, the school's directors and CLAE directors. Three queries."""
        from django.utils.translation import gettext as _

        from .models import Enrolment, Role, SchoolPage, StaffAssignment, TeachingAssignment
        from .school_year import current_school_year

        enrolments = list(
            Enrolment.objects.filter(school_year=current_school_year(), pupil__guardianships__guardian__user=user)
            .select_related("pupil", "class_page").distinct()
        )
        if not enrolments:
            return []
        school_ids = dict(SchoolPage.objects.filter(
            path__in={e.class_page.path[:SCHOOL_PREFIX] for e in enrolments}).values_list("path", "pk"))
        teachers = {}
        for assignment in TeachingAssignment.objects.filter(
            class_page__in=[e.class_page_id for e in enrolments], user__is_active=True
        ).select_related("user"):
            teachers.setdefault(assignment.class_page_id, []).append(assignment.user)
        school_staff = {}
        for assignment in StaffAssignment.objects.filter(
            school__in=list(school_ids.values()), role__in=[Role.DIRECTOR, Role.CLAE_DIRECTOR], user__is_active=True
        ).select_related("user").order_by("role", "user__last_name"):
            school_staff.setdefault(assignment.school_id, []).append(assignment)
        contacts = []
        for enrolment in enrolments:
            pupil, class_page = enrolment.pupil, enrolment.class_page
            school_id = school_ids.get(class_page.path[:SCHOOL_PREFIX])
            mine = {"pupil_id": pupil.pk}
            for teacher in teachers.get(class_page.pk, []):
                contacts.append(ConversationContact(
                    key=f"t{teacher.pk}-p{pupil.pk}", kind="family",
                    label=_("%(name)s, teacher of %(class)s (about %(child)s)")
                    % {"name": teacher, "class": class_page.title, "child": pupil.first_name},
                    sender_grounds=mine, recipients=((teacher.pk, {"class_page_id": class_page.pk}, False),),
                    school_id=school_id, pupil_id=pupil.pk, class_page_id=class_page.pk,
                ))
            for assignment in school_staff.get(school_id, []):
                if assignment.user_id == user.pk:
                    continue
                contacts.append(ConversationContact(
                    key=f"s{assignment.user_id}-{assignment.role}-p{pupil.pk}", kind="family",
                    label=_("%(name)s, %(role)s (about %(child)s)")
                    % {"name": assignment.user, "role": assignment.get_role_display(), "child": pupil.first_name},
                    sender_grounds=mine,
                    recipients=((assignment.user_id, {"school_id": school_id, "staff_role": assignment.role}, False),),
                    school_id=school_id, pupil_id=pupil.pk, class_page_id=class_page.pk,
                ))
        return contacts

    def _staff_family_contacts(self, user):
        """Staff → one pupil's family (every guardian with an account), or one of its guardians. Three queries."""
        from django.utils.translation import gettext as _

        from .models import Guardianship

        pupils = self.messageable_pupils(user)
        if not pupils:
            return []
        guardians = {}
        names = {}
        for guardianship in (
            Guardianship.objects.filter(pupil__in=list(pupils), guardian__user__is_active=True)
            .select_related("guardian__user", "pupil").order_by("pupil__last_name", "pupil__first_name", "guardian__last_name")
        ):
            names[guardianship.pupil_id] = guardianship.pupil
            guardians.setdefault(guardianship.pupil_id, []).append(guardianship)
        contacts = []
        for pupil_id, rows in guardians.items():
            grounds, school_id, class_id = pupils[pupil_id]
            pupil = names[pupil_id]
            users = {row.guardian.user_id: row for row in rows if row.guardian.user_id != user.pk}
            if not users:
                continue
            common = {"kind": "family", "sender_grounds": grounds, "school_id": school_id, "pupil_id": pupil_id,
                      "class_page_id": class_id}
            contacts.append(ConversationContact(
                key=f"f{pupil_id}", label=_("Family of %(child)s") % {"child": pupil},
                recipients=tuple((uid, {"pupil_id": pupil_id}, True) for uid in users), **common,
            ))
            if len(users) > 1:
                for uid, row in users.items():
                    contacts.append(ConversationContact(
                        key=f"g{uid}-p{pupil_id}",
                        label=_("%(name)s only (%(relationship)s of %(child)s)")
                        % {"name": row.guardian.user, "relationship": row.get_relationship_display(), "child": pupil},
                        recipients=((uid, {"pupil_id": pupil_id}, True),), **common,
                    ))
        return contacts

    def _colleague_contacts(self, user):
        """Staff ↔ staff of the same school; a teacher ↔ the teachers of a partner class. Three queries."""
        from django.apps import apps
        from django.utils.translation import gettext as _

        from .models import StaffAssignment, TeachingAssignment

        contacts = []
        mine = list(StaffAssignment.objects.filter(user=user, school__isnull=False).values_list("school_id", "role"))
        if mine:
            my_role = dict(mine)
            seen = set()
            for assignment in (
                StaffAssignment.objects.filter(school__in=list(my_role), user__is_active=True).exclude(user=user)
                .select_related("user", "school").order_by("school__title", "user__last_name")
            ):
                if (assignment.school_id, assignment.user_id) in seen:
                    continue
                seen.add((assignment.school_id, assignment.user_id))
                school_id = assignment.school_id
                contacts.append(ConversationContact(
                    key=f"c{assignment.user_id}-s{school_id}", kind="staff",
                    label=_("%(name)s, %(role)s at %(school)s")
                    % {"name": assignment.user, "role": assignment.get_role_display(), "school": assignment.school.title},
                    sender_grounds={"school_id": school_id, "staff_role": my_role[school_id]},
                    recipients=((assignment.user_id, {"school_id": school_id, "staff_role": assignment.role}, False),),
                    school_id=school_id,
                ))
        taught = list(TeachingAssignment.objects.filter(user=user).values_list("class_page_id", "class_page__path"))
        if taught:
            partnership = apps.get_model("class_blog", "ClassPartnership")
            my_classes = dict(taught)
            pairs = set()
            for inviting, invited in partnership.objects.accepted().filter(
                Q(inviting_class__in=list(my_classes)) | Q(invited_class__in=list(my_classes))
            ).values_list("inviting_class_id", "invited_class_id"):
                if inviting in my_classes:
                    pairs.add((inviting, invited))
                if invited in my_classes:
                    pairs.add((invited, inviting))
            if pairs:
                for assignment in TeachingAssignment.objects.filter(
                    class_page__in={theirs for _mine, theirs in pairs}, user__is_active=True
                ).exclude(user=user).select_related("user", "class_page"):
                    for own, theirs in sorted(pairs):
                        if theirs != assignment.class_page_id:
                            continue
                        contacts.append(ConversationContact(
                            key=f"k{assignment.user_id}-c{own}-c{theirs}", kind="partner",
                            label=_("%(name)s, teacher of the partner class %(class)s")
                            % {"name": assignment.user, "class": assignment.class_page.title},
                            sender_grounds={"class_page_id": own},
                            recipients=((assignment.user_id, {"class_page_id": theirs}, False),),
                            school_id=None, class_page_id=own, partner_class_id=theirs,
                        ))
        return contacts

    def _pupil_contacts(self, user):
        """A pupil → the teachers of their current class, one at a time, when those teachers turned pupil
        messages on. Never another pupil, never a family, never another class's teacher. Two queries."""
        from django.utils.translation import gettext as _

        from .models import Pupil, SchoolPage, TeachingAssignment

        scope = self.scope(user)
        if not self.pupil_may_see(user, PUPIL_SEES_MESSAGES):
            return []
        pupil_id = Pupil.objects.filter(login_account__user=user, login_account__is_active=True).values_list(
            "pk", flat=True).first()
        if pupil_id is None:
            return []
        class_id = scope.pupil_class_id
        school_id = SchoolPage.objects.filter(path=scope.pupil_class_path[:SCHOOL_PREFIX]).values_list(
            "pk", flat=True).first()
        return [
            ConversationContact(
                key=f"t{assignment.user_id}", kind="pupil", label=_("%(name)s, my teacher") % {"name": assignment.user},
                sender_grounds={"pupil_id": pupil_id, "class_page_id": class_id},
                recipients=((assignment.user_id, {"class_page_id": class_id}, False),),
                school_id=school_id, pupil_id=pupil_id, class_page_id=class_id,
            )
            for assignment in TeachingAssignment.objects.filter(class_page_id=class_id, user__is_active=True)
            .select_related("user").order_by("user__last_name", "user__first_name")
        ]

    def _teacher_pupil_contacts(self, user):
        """A teacher → one pupil of a class they teach, while that class's pupil messages are on and the
        pupil's account is active: the same thread as one the pupil starts (never a pupil's family, never
        several pupils at once). One query, none for someone who teaches no class."""
        from django.apps import apps
        from django.utils.translation import gettext as _

        from .models import Enrolment

        scope = self.scope(user)
        if scope.pupil or not scope.taught_class_ids:
            return []
        settings_model = apps.get_model("pupils", "ClassPupilSettings")
        open_classes = settings_model.objects.filter(
            class_page_id__in=sorted(scope.taught_class_ids), accounts_enabled=True, messages_enabled=True
        ).values("class_page_id")
        contacts = []
        for enrolment in (
            Enrolment.objects.filter(class_page_id__in=open_classes, school_year=current_school_year(),
                                     pupil__login_account__is_active=True, pupil__login_account__user__is_active=True)
            .select_related("pupil__login_account", "class_page").order_by("class_page__title", "pupil__first_name",
                                                                           "pupil__last_name")
        ):
            pupil, class_page = enrolment.pupil, enrolment.class_page
            contacts.append(ConversationContact(
                key=f"e{pupil.pk}", kind="pupil",
                label=_("%(child)s, pupil of %(class)s") % {"child": pupil.first_name, "class": class_page.title},
                sender_grounds={"class_page_id": class_page.pk},
                recipients=((pupil.login_account.user_id, {"pupil_id": pupil.pk, "class_page_id": class_page.pk}, False),),
                school_id=None, pupil_id=pupil.pk, class_page_id=class_page.pk,
            ))
        return contacts

    def pupil_messages_open(self, class_page_id) -> bool:
        """Whether a class's teachers let its pupils write to them (off by default). One query."""
        from django.apps import apps

        settings_model = apps.get_model("pupils", "ClassPupilSettings")
        return settings_model.objects.filter(class_page_id=class_page_id, accounts_enabled=True,
                                             messages_enabled=True).exists()

    def conversation_contact(self, user, key):
        """The contact `key` if `user` may start a thread with it, else None (the new-thread form's check)."""
        return next((c for c in self.conversation_contacts(user) if c.key == key), None)

    # ======================================================================= end of conversations

    # ------------------------------------------------------------------------------------ pupils
    # Pupil accounts (the pupils app). A pupil's scope is their class this school year, while their
    # account is active and their class's teachers keep pupil accounts on (pupils.ClassPupilSettings).
    # In that class a pupil may open the blog (the page types partner classes read) and the
    # galleries, when the teacher shows the blog; their partner classes' blogs when the teacher
    # opens them. Never another class, never a members-only section of the school, never comments
    # (written by and for families), notes, the family home or consent pages: a pupil's session is
    # confined to the pupil space, page serving, search and files (``pupil_may_use``).

    def _pupil_class_rows(self, user_ids, kind):
        """(user id, class path, kind) rows for active pupil accounts among `user_ids`: their class this year."""
        from .models import Enrolment

        return (
            Enrolment.objects.filter(school_year=current_school_year(), pupil__login_account__user__in=user_ids,
                                     pupil__login_account__is_active=True)
            .annotate(user_id=F("pupil__login_account__user"), kind=Value(kind))
            .values_list("user_id", "class_page__path", "kind")
        )

    def _pupil_scopes(self, pupil_rows, partners) -> dict[int, Scope]:
        """Scopes of pupil accounts ({user id: class path}): one query for their classes' settings."""
        if not pupil_rows:
            return {}
        from django.apps import apps

        from .models import ClassPage

        settings_model = apps.get_model("pupils", "ClassPupilSettings")
        names = ["accounts_enabled", "show_blog", "show_homework", "show_workbooks", "show_partners", "messages_enabled"]
        classes, by_path = {}, {}
        for path, pk, *values in ClassPage.objects.filter(path__in=set(pupil_rows.values())).values_list(
                "path", "pk", *(f"pupil_settings__{name}" for name in names)):
            classes[path] = pk
            if values[0] is not None:  # a class without a settings row keeps the defaults
                by_path[path] = settings_model(**dict(zip(names, values, strict=True)))
        scopes = {}
        for user_id, path in pupil_rows.items():
            class_settings = by_path.get(path) or settings_model()
            if not class_settings.accounts_enabled:
                scopes[user_id] = Scope(pupil=True)
                continue
            sees = frozenset(class_settings.pupil_sees())
            scopes[user_id] = Scope(
                pupil=True, pupil_class_path=path, pupil_class_id=classes.get(path), pupil_sees=sees,
                partner_class_paths=frozenset(partners.get(path, ())) if PUPIL_SEES_PARTNERS in sees else frozenset(),
            )
        return scopes

    def is_pupil(self, user) -> bool:
        return self.scope(user).pupil

    def _pupil_may_open(self, scope, model) -> bool:
        return PUPIL_SEES_BLOG in scope.pupil_sees and model in self._pupil_page_models()

    def _pupil_page_models(self):
        from django.apps import apps
        from wagtail.models import get_page_models

        return {m for m in get_page_models() if self._visible_to_partners(m)} | {apps.get_model("periscolaire", "GalleryPage")}

    def _pupil_content_types(self):
        return [ct.pk for ct in ContentType.objects.get_for_models(*self._pupil_page_models()).values()]

    # Members-only sections marked for pupils (ent_pages.sections): a school's directors may open its
    # CLAE space or a piece of school news to the school's pupils; never another school's pupils.

    def _pupil_section_models(self):
        """Page models that can be sections marked ``for_pupils`` (the CLAE space, school news)."""
        models = getattr(self, "_pupil_section_models_memo", None)
        if models is None:
            from wagtail.models import get_page_models

            models = [m for m in get_page_models() if any(f.name == "for_pupils" for f in m._meta.get_fields())]
            self._pupil_section_models_memo = models
        return models

    def _section_for_pupils(self, section_path, page=None) -> bool:
        """Whether the section at `section_path` is marked for pupils (no query when `page` is that section)."""
        if page is not None and page.path == section_path and hasattr(page, "for_pupils"):
            return bool(page.for_pupils)
        if page is not None and getattr(page, "_preau_for_pupils", None) is not None:  # prime_sections
            return page._preau_for_pupils
        return any(model.objects.filter(path=section_path, for_pupils=True).exists()
                   for model in self._pupil_section_models())

    def _pupil_may_open_section(self, scope, school_path, section_path, page) -> bool:
        if not scope.pupil_class_path or scope.pupil_class_path[:SCHOOL_PREFIX] != school_path:
            return False
        return self._section_for_pupils(section_path, page)

    def _pupil_sections_q(self, school_path):
        """Q (on a queryset aliased by `viewable`) for the sections of `school_path` marked for pupils."""
        marked = Q(pk__in=[])
        for model in self._pupil_section_models():
            marked |= Q(_preau_section__in=Subquery(
                model.objects.filter(depth=SCHOOL_DEPTH + 1, path__startswith=school_path, for_pupils=True).values("path")))
        return Q(_preau_school=school_path) & marked

    def can_mark_for_pupils(self, user, school) -> bool:
        """Open a members-only section of a school to its pupils: the school's directors."""
        return self.can_manage_school(user, school)

    def can_view_comments(self, user, post) -> bool:
        """Comments under a post are written by and for families and staff: never shown to pupils."""
        return not self.is_pupil(user)

    def pupil_may_see(self, user, what) -> bool:
        """Whether a pupil's teacher shows them `what` (PUPIL_SEES_BLOG, _HOMEWORK, _WORKBOOKS, _PARTNERS)."""
        scope = self.scope(user)
        return bool(scope.pupil_class_path) and what in scope.pupil_sees

    def pupil_homework_class_ids(self, user) -> list[int]:
        """The class whose homework notebook a pupil reads in their space (when the teacher shows it)."""
        scope = self.scope(user)
        return [scope.pupil_class_id] if self.pupil_may_see(user, PUPIL_SEES_HOMEWORK) else []

    #: Where a pupil's session may go: the pupil space, page serving (each page asks ``can_view``),
    #: search, files, workbook progress (page serving too) and static files. Everything else (the
    #: family home, class life views, consent, activation, the admin) sends them back to their space.
    PUPIL_URL_NAMESPACES = frozenset({"pupils", "search"})
    PUPIL_URL_NAMES = frozenset({"wagtail_serve", "private_rendition", "private_image_original", "private_document",
                                 "logout"})

    def pupil_may_use(self, resolver_match) -> bool:
        if resolver_match is None:
            return False
        if set(resolver_match.namespaces) & self.PUPIL_URL_NAMESPACES:
            return True
        return resolver_match.url_name in self.PUPIL_URL_NAMES

    def can_manage_pupil_accounts(self, user, class_page) -> bool:
        """Turn pupil accounts on or off, print cards, unlock: whoever manages the class."""
        return self.can_manage_class(user, class_page)

    # ========================================================== push notifications (issue 16, push/)
    # A push is a channel like email: only those the policy lets see the content are owed a push about
    # it, decided when it is delivered (a revocation in between holds), and pupils never are:
    # - a note: its recipients who still receive it (the rule of `received_notes`), once delivered;
    # - a class's homework, posts and galleries: the class's own people (its families this school year,
    #   its teachers) who may view it; never partner classes, nor a whole school's directors;
    # - a message: the participants conversations found owed a notification, while their grounds hold.
    # The push itself names a class or a school, never a child, never what was written (push/payloads.py).

    def may_receive_push(self, user) -> bool:
        """Whether `user` may subscribe a device to pushes: active accounts, never pupils' (shared tablets)."""
        if user is None or not user.is_authenticated or not user.is_active:
            return False
        return not self.scope(user).pupil

    def push_audience(self, content, *, among=None, owed_user_ids=()) -> list:
        """The users owed a push about `content` (a Note, a HomeworkEntry, a page of a class, or a
        conversations Thread with `owed_user_ids`), among the User queryset `among` (the subscribed ones).

        Candidates come from one SQL query; their scopes are computed in one batch; each is then checked
        with the rule that opens the content to them (no query per user, but for threads).
        """
        from django.apps import apps
        from django.utils import timezone

        from .models import ClassPage, Enrolment, Guardianship, TeachingAssignment, User

        candidates = (User.objects.all() if among is None else among).filter(is_active=True)
        note_model = apps.get_model("class_blog", "Note")
        if isinstance(content, apps.get_model("conversations", "Thread")):
            people = list(candidates.filter(pk__in=list(owed_user_ids)))
            return [u for u in people if self.may_receive_push(u) and self.thread_participation(u, content) is not None]
        if isinstance(content, note_model):
            if content.scheduled_for > timezone.now():
                return []
            recipient_model = note_model._meta.get_field("recipients").related_model
            held = recipient_model.objects.filter(note=content, guardian__guardianships__pupil=F("pupil"))
            people = list(candidates.filter(pk__in=held.values("guardian__user")))
            self.prime_scopes(people)
            return [u for u in people if self.may_receive_push(u) and self._receives_note(u, content)]
        page = None if isinstance(content, apps.get_model("class_blog", "HomeworkEntry")) else content
        if page is None:
            class_page = content.class_page
        else:
            _school_path, section_path, under_school, is_class = self._section(page)
            class_page = ClassPage.objects.filter(path=section_path).first() if is_class else None
            if not page.live:
                return []
        if class_page is None:
            return []
        enrolled = Enrolment.objects.filter(self.family_enrolments(), class_page=class_page)
        family = Guardianship.objects.filter(pupil__enrolments__in=enrolled).values("guardian__user")
        taught = TeachingAssignment.objects.filter(class_page=class_page).values("user")
        people = list(candidates.filter(Q(pk__in=family) | Q(pk__in=taught)))
        self.prime_scopes(people)
        return [
            u for u in people
            if self.may_receive_push(u) and class_page.path in self.scope(u).class_paths
            and (page is None or self.can_view(u, page))
        ]

    def _receives_note(self, user, note) -> bool:
        """The audience part of `received_notes`, read from the scope: the note's class is theirs, or
        its school for a school-wide note."""
        if note.class_page_id:
            return self.can_view_class_private(user, note.class_page)
        scope = self.scope(user)
        return note.school.path in (scope.member_school_paths | scope.director_school_paths)

    # ----------------------------------------------------------------------------------- helpers
    @staticmethod
    def _visible_to_partners(model) -> bool:
        return getattr(model, "visible_to_partner_classes", False)

    def _partner_content_types(self, searchable_only=False):
        from wagtail.models import get_page_models

        wanted = self._searchable_by_partners if searchable_only else self._visible_to_partners
        models = [m for m in get_page_models() if wanted(m)]
        return [ct.pk for ct in ContentType.objects.get_for_models(*models).values()] if models else []

    def _partner_searchable_content_types(self):
        return self._partner_content_types(searchable_only=True)

    @classmethod
    def _searchable_by_partners(cls, model) -> bool:
        """Partners may read the whole of such pages (nothing of them is hidden from partners)."""
        return cls._visible_to_partners(model) and not getattr(model, "partner_hidden_fields", ())


@dataclass(frozen=True)
class ConversationContact:
    """Someone a user may start a thread with (AccessPolicy.conversation_contacts).

    ``sender_grounds`` and each recipient's grounds are the conversations.Participant fields that
    the access to the thread will keep depending on (pupil_id, class_page_id, school_id + staff_role).
    """

    key: str
    kind: str  # "family", "staff", "partner" or "pupil" (conversations.Thread.Kind)
    label: str
    sender_grounds: dict
    #: (user id, grounds, is a family member) for each recipient.
    recipients: tuple
    school_id: int | None = None
    pupil_id: int | None = None
    class_page_id: int | None = None
    partner_class_id: int | None = None


_UNSET = object()
#: What a class's teachers may show to its pupils (pupils.ClassPupilSettings).
PUPIL_SEES_BLOG, PUPIL_SEES_HOMEWORK, PUPIL_SEES_WORKBOOKS, PUPIL_SEES_PARTNERS = "blog", "homework", "workbooks", "partners"
#: The class's teachers let its pupils write to them (pupils.ClassPupilSettings.messages_enabled).
PUPIL_SEES_MESSAGES = "messages"
_ACCESS_VERSION_KEY = "preau:access-version"
#: The access version as this request read it first: [version or None] (``AccessVersionMiddleware``).
_REQUEST_ACCESS_VERSION = contextvars.ContextVar("preau_request_access_version", default=None)


class AccessVersionMiddleware:
    """One request, one access version: its scope, page content and permissions read it once; and
    one set of cache reads (ent_pages.page_cache.prefetch): what a page names is fetched together.

    A change made elsewhere during the request is seen at the next request, as it would be had it
    come a moment later; a change made by the request itself (``bump_access_version``) is read again.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .page_cache import begin_request, end_request

        token, reads = _REQUEST_ACCESS_VERSION.set([None]), begin_request()
        try:
            return self.get_response(request)
        finally:
            end_request(reads)
            _REQUEST_ACCESS_VERSION.reset(token)


policy = AccessPolicy()
can_view = policy.can_view
can_edit = policy.can_edit
viewable = policy.viewable
