"""The access policy: the one module that decides who may view and who may edit what.

Every channel asks it: page serving, listings and feeds, search, the API, media files, emails,
sitemaps. Nothing else in Préau decides access.

Rules (see docs/access.md):
- Pages at or above the school level (city home, school presentations) and pages outside any
  school (municipal resources, city news) are public.
- Below a school, each direct child of the school is a *section*. A class section (a ClassPage
  and its subtree) is visible to the guardians of pupils enrolled in it this school year, to its
  teachers, to the school's directors and to explicit grants (django-guardian permission
  ``ent_pages.view_class_content`` on the class). Any other section (CLAE space, school news) is
  for the members of the school: its families, its staff.
- Editing is Wagtail's page permissions, which ent_pages.roles keeps in sync with assignments.

No Wagtail PageViewRestriction is created: the decision is made from enrolments and assignments,
so it costs a handful of indexed queries per request whatever the number of classes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, Subquery
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
            cached = self._compute_scope(user)
            setattr(user, _SCOPE_ATTR, cached)
        return cached

    def forget(self, user) -> None:
        """Drop the scope cached on a user object (after their enrolments or roles changed)."""
        if user is not None and hasattr(user, _SCOPE_ATTR):
            delattr(user, _SCOPE_ATTR)

    def _compute_scope(self, user) -> Scope:
        from .models import ClassPage, Enrolment, Role, StaffAssignment, TeachingAssignment

        if user.is_superuser:
            return Scope(superuser=True)
        year = current_school_year()
        class_paths = set(
            Enrolment.objects.filter(pupil__guardianships__guardian__user=user, school_year=year)
            .values_list("class_page__path", flat=True)
        )
        class_paths |= set(TeachingAssignment.objects.filter(user=user).values_list("class_page__path", flat=True))
        class_paths |= set(self._granted_class_paths(user, ClassPage))
        member_schools = {path[:SCHOOL_PREFIX] for path in class_paths}
        director_schools = set()
        for role, school_path in StaffAssignment.objects.filter(user=user, school__isnull=False).values_list(
            "role", "school__path"
        ):
            member_schools.add(school_path)
            if role == Role.DIRECTOR:
                director_schools.add(school_path)
        return Scope(
            class_paths=frozenset(class_paths),
            partner_class_paths=frozenset(self._partner_class_paths(user, class_paths) - class_paths),
            member_school_paths=frozenset(member_schools),
            director_school_paths=frozenset(director_schools),
        )

    def _granted_class_paths(self, user, class_model):
        """Explicit grants (a substitute teacher...) held in django-guardian, for the user or their groups."""
        from guardian.shortcuts import get_objects_for_user

        granted = get_objects_for_user(
            user, "ent_pages.view_class_content", klass=class_model,
            with_superuser=False, accept_global_perms=False,
        )
        return granted.values_list("path", flat=True)

    def _partner_class_paths(self, user, own_class_paths):
        """Classes whose blog the user's classes were invited to read (filled in by the class blog)."""
        return set()

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


policy = AccessPolicy()
can_view = policy.can_view
can_edit = policy.can_edit
viewable = policy.viewable
