"""Demo class life: posts, a project, homework, a note, comments, school and city news, a partner class.

Called by ent_pages.demo.seed_demo_city; idempotent (keyed on slugs, titles and texts).
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from ent_pages.models import ClassPage, SchoolPage, TeachingAssignment, User

from .models import (
    ClassBlogOptions,
    ClassPartnership,
    ClassPostPage,
    ClassProjectPage,
    Comment,
    HomeworkEntry,
    Note,
    PartnershipStatus,
    SchoolNewsPage,
    Subject,
)
from .models.homework import next_school_day
from .news import ensure_city_news_index
from .notes import send_note

POSTS = [
    ("sortie-musee", "Sortie au musée des Augustins", ["sortie", "arts"],
     "<p>Ce matin, nous avons découvert les sculptures du cloître. Chacun a dessiné son animal préféré.</p>"),
    ("poesie-automne", "Nos poésies d'automne", ["poésie"],
     "<p>Les enfants ont écrit et illustré leurs poésies. Bravo à tous !</p>"),
]
PROJECT_POSTS = [
    ("semis", "Les premiers semis", ["potager"], "<p>Radis, salades et capucines : tout est planté !</p>"),
    ("arrosage", "Le planning d'arrosage", ["potager"], "<p>Chaque binôme arrose une journée par semaine.</p>"),
]


def _backdate(page, days_ago):
    """Demo content was published days ago (and announced then, whatever the seed's hour)."""
    when = timezone.now() - timedelta(days=days_ago)
    fields = {"first_published_at": when, "last_published_at": when}
    if hasattr(page, "announced_at"):
        fields["announced_at"] = when
    type(page).objects.filter(pk=page.pk).update(**fields)


def _child(parent, model, slug, days_ago=3, **fields):
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = parent.add_child(instance=model(slug=slug, **fields))
        page.save_revision().publish()
        _backdate(page, days_ago)
    return page


def _post(parent, slug, title, tags, text, days_ago):
    post = ClassPostPage.objects.child_of(parent).filter(slug=slug).first()
    if post is None:
        post = parent.add_child(instance=ClassPostPage(
            slug=slug, title=title, date=timezone.localdate() - timedelta(days=days_ago), body=[("paragraph", text)],
        ))
        post.tags.add(*tags)
        post.save_revision().publish()
        _backdate(post, days_ago)
    return post


def _posts_with_files(ce1b):
    """A published post showing a class photo and the supplies list, and a draft post with a photo:
    families (and the partner class, for the blog) receive the first one's files, nobody but the
    class's staff the draft's, until it is published (ent_pages.access, media rules)."""
    import json

    from ent_pages.models import PrivateDocument, PrivateImage
    from ent_pages.roles import page_collection

    collection = page_collection(ce1b)
    photos = {i.title: i for i in PrivateImage.objects.filter(collection=collection)}
    document = PrivateDocument.objects.filter(collection=collection).first()
    published, draft = photos.get("Sortie au jardin des plantes"), photos.get("Atelier peinture")
    if published and document and not ClassPostPage.objects.child_of(ce1b).filter(slug="fournitures").exists():
        post = ce1b.add_child(instance=ClassPostPage(slug="fournitures", title="La liste des fournitures", body=json.dumps([
            {"type": "paragraph", "value": "<p>Voici la liste des fournitures, et un souvenir de notre sortie.</p>"},
            {"type": "image", "value": {"image": {"image": published.pk, "decorative": False,
                                                  "alt_text": "La classe au jardin des plantes"}, "caption": ""}},
            {"type": "document", "value": {"document": document.pk, "title": "Liste des fournitures"}},
        ])))
        post.save_revision().publish()
        _backdate(post, 1)
    if draft and not ClassPostPage.objects.child_of(ce1b).filter(slug="atelier-peinture").exists():
        post = ce1b.add_child(instance=ClassPostPage(slug="atelier-peinture", title="Atelier peinture", live=False, body=json.dumps([
            {"type": "paragraph", "value": "<p>Brouillon : les photos de l'atelier peinture.</p>"},
            {"type": "image", "value": {"image": {"image": draft.pk, "decorative": False, "alt_text": "Atelier peinture"},
                                        "caption": ""}},
        ])))
        post.save_revision()


def seed_class_life(stdout=None):
    ce1b = ClassPage.objects.get(slug="ce1-b")
    teacher = TeachingAssignment.objects.filter(class_page=ce1b).select_related("user").first().user

    for n, (slug, title, tags, text) in enumerate(POSTS):
        _post(ce1b, slug, title, tags, text, days_ago=2 + 5 * n)
    garden = _child(ce1b, ClassProjectPage, "potager", title="Le potager",
                    start_date=timezone.localdate() - timedelta(days=30),
                    presentation=[("paragraph", "<p>Toute l'année, la classe cultive un potager dans la cour.</p>")])
    posts = [_post(garden, slug, title, tags, text, days_ago=20 - 8 * n) for n, (slug, title, tags, text) in enumerate(PROJECT_POSTS)]

    _posts_with_files(ce1b)

    ClassBlogOptions.objects.update_or_create(class_page=ce1b, defaults={"comments_enabled": True})
    parent = User.objects.filter(username="parent.ce1b").first()
    if parent and not Comment.objects.filter(post=posts[0]).exists():
        Comment.objects.create(post=posts[0], author=parent, text="Emma nous a tout raconté, merci !", approved=True)

    due = next_school_day()
    for subject, text in [(Subject.FRENCH, "Relire la poésie « Automne » et l'apprendre jusqu'au vers 8."),
                          (Subject.MATHS, "Fichier p. 34, exercices 1 et 2.")]:
        HomeworkEntry.objects.get_or_create(class_page=ce1b, text=text, defaults={
            "subject": subject, "due_on": due, "created_by": teacher})
    HomeworkEntry.objects.get_or_create(class_page=ce1b, text="Apporter une boîte à chaussures.", defaults={
        "subject": Subject.ARTS, "due_on": due + timedelta(days=3), "created_by": teacher})

    if not Note.objects.filter(class_page=ce1b, title="Sortie au jardin botanique").exists():
        # Written the previous school day at 16:30 (outside quiet hours), so families see it whenever the seed runs.
        day = timezone.localdate() - timedelta(days=1)
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        written = timezone.make_aware(datetime.combine(day, time(16, 30)))
        send_note(teacher, class_page=ce1b, title="Sortie au jardin botanique",
                  text="Le jeudi 10, nous irons au jardin botanique. Prévoir un pique-nique et des bottes.",
                  scheduled_for=written, now=written)

    ferry = SchoolPage.objects.get(uai="0310002B")
    _child(ferry, SchoolNewsPage, "kermesse", title="La kermesse de l'école",
           body=[("paragraph", "<p>La kermesse aura lieu le samedi 20 juin dans la cour. Les parents volontaires sont attendus !</p>")])
    news = ensure_city_news_index()
    from .models import CityNewsPage

    _child(news, CityNewsPage, "menus-decembre", title="Les menus de la cantine en décembre",
           body=[("paragraph", "<p>Repas de fête le jeudi 17 décembre.</p>")])
    _child(news, CityNewsPage, "inscriptions", title="Inscriptions scolaires pour la rentrée",
           body=[("paragraph", "<p>Les inscriptions sont ouvertes du 1er mars au 15 avril.</p>")])

    partner = ClassPage.objects.filter(slug="ce2-cm1").first()
    if partner:
        ClassPartnership.objects.get_or_create(inviting_class=ce1b, invited_class=partner, defaults={
            "status": PartnershipStatus.ACCEPTED, "invited_by": teacher,
            "message": "Bonjour ! Voulez-vous suivre notre potager ?"})
    if stdout:
        stdout.write(f"Class life ready: {ClassPostPage.objects.count()} posts, {HomeworkEntry.objects.count()} homework entries, "
                     f"{Note.objects.count()} notes.")
