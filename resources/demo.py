"""Demo resources: canteen prices, screens guidance, enrolment dates and a holiday workbook (idempotent)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from ent_pages.demo import _user
from ent_pages.models import Role, StaffAssignment

from .editing import ensure_resource_editing, senior_editors_group
from .models import CanteenPriceBand, CanteenPriceTable, ResourceIndexPage, ResourcePage, Theme, WorkbookPage

THEMES = [("Cantine", "cantine"), ("Écrans", "ecrans"), ("Inscriptions", "inscriptions"),
          ("Vacances", "vacances"), ("Santé", "sante"), ("Lecture", "lecture"), ("Mathématiques", "mathematiques")]

CANTEEN_BANDS = [(0, 400, "0.50"), (401, 700, "1.20"), (701, 1000, "2.10"), (1001, 1400, "3.00"), (1401, None, "3.90")]


def _index(city):
    index = ResourceIndexPage.objects.child_of(city).first()
    if index is None:
        index = city.add_child(instance=ResourceIndexPage(
            title="Ressources pour les familles", slug="ressources",
            intro="<p>Les informations de la ville sur la cantine, les inscriptions, la santé et des cahiers "
                  "de vacances pour réviser en s'amusant.</p>",
        ))
        index.save_revision().publish()
    ensure_resource_editing(index)
    return index


def _resource(index, model, slug, themes, tags=(), **fields):
    page = model.objects.child_of(index).filter(slug=slug).first()
    if page is None:
        page = model(slug=slug, **fields)
        index.add_child(instance=page)
        page.themes.set(themes)
        if tags:
            page.tags.add(*tags)
        page.save_revision().publish()
    return page


def seed(city, stdout=None):
    index = _index(city)
    senior = _user("redacteur.chef", "Marc", "Lemoine")
    StaffAssignment.objects.get_or_create(user=senior, school=None, role=Role.CITY_EDITOR)
    senior.groups.add(senior_editors_group())
    themes = {slug: Theme.objects.get_or_create(slug=slug, defaults={"name": name})[0] for name, slug in THEMES}
    year = timezone.localdate().year

    table = CanteenPriceTable.objects.filter(title="Tarifs de la restauration scolaire").first()
    if table is None:
        table = CanteenPriceTable.objects.create(
            title="Tarifs de la restauration scolaire", valid_from=datetime.date(year, 9, 1),
            notes="Le quotient familial est celui de la CAF. Sans justificatif, le tarif le plus élevé s'applique.",
        )
        for order, (low, high, price) in enumerate(CANTEEN_BANDS):
            CanteenPriceBand.objects.create(table=table, sort_order=order, quotient_min=low, quotient_max=high,
                                            price_per_meal=Decimal(price))

    _resource(
        index, ResourcePage, "tarifs-cantine", [themes["cantine"]], ["repas", "tarifs"],
        title="Tarifs de la cantine", audience=["families"], levels=[],
        summary="Le prix d'un repas à la cantine dépend du quotient familial de la famille.",
        body=[("paragraph", "<p>Chaque repas est facturé selon le quotient familial. Les menus sont préparés par la "
                            "cuisine centrale avec des produits de saison.</p>"),
              ("canteen_prices", {"table": table})],
    )
    _resource(
        index, ResourcePage, "bien-grandir-avec-les-ecrans", [themes["ecrans"], themes["sante"]], ["numérique"],
        title="Bien grandir avec les écrans", audience=["families", "teachers"],
        levels=["PS", "MS", "GS", "CP", "CE1", "CE2", "CM1", "CM2"],
        summary="Repères pour les familles : pas d'écran avant 3 ans, des temps sans écran, des contenus adaptés.",
        body=[("heading", {"text": "Les repères 3-6-9-12", "level": "h2"}),
              ("paragraph", "<p>Avant 3 ans, pas d'écran. Jusqu'à 6 ans, des temps courts et accompagnés. "
                            "Le soir, éteindre les écrans une heure avant le coucher favorise le sommeil.</p>"),
              ("external_link", {"url": "https://www.jeprotegemonenfant.gouv.fr/ecrans/", "label": "Je protège mon enfant",
                                 "description": "Le site du gouvernement sur les écrans et les enfants."})],
    )
    _resource(
        index, ResourcePage, "dates-inscriptions", [themes["inscriptions"]], ["rentrée"],
        title="Dates des inscriptions scolaires", audience=["families"], levels=["TPS", "PS", "CP"],
        summary=f"Inscriptions en maternelle et au CP pour la rentrée {year + 1} : du 15 janvier au 15 mars.",
        body=[("paragraph", f"<p>Les inscriptions pour la rentrée {year + 1} se font à la mairie ou en ligne du "
                            "15 janvier au 15 mars. Munissez-vous du livret de famille et d'un justificatif de "
                            "domicile.</p>")],
        valid_until=datetime.date(year + 1, 3, 15),
    )
    _resource(
        index, WorkbookPage, "cahier-de-vacances-ce1", [themes["vacances"], themes["lecture"], themes["mathematiques"]],
        ["été"], title="Cahier de vacances : du CE1 au CE2", audience=["pupils", "families"], levels=["CE1", "CE2"],
        summary="Quelques exercices de français et de mathématiques pour garder la forme pendant l'été.",
        intro="Bonjour ! Fais les exercices dans l'ordre, tu peux vérifier chaque réponse.",
        exercises=[
            ("multiple_choice", {"question": "Combien font 7 + 8 ?", "choices": [
                {"text": "14", "correct": False}, {"text": "15", "correct": True}, {"text": "16", "correct": False}],
                "correction": "7 + 8 = 7 + 3 + 5 = 10 + 5 = 15."}),
            ("fill_blanks", {"instructions": "Complète avec le verbe être au présent.",
                             "text": "Je [suis] en vacances. Nous [sommes] à la mer.",
                             "correction": "Je suis, tu es, il est, nous sommes, vous êtes, ils sont."}),
            ("matching", {"instructions": "Relie chaque animal à son petit.", "pairs": [
                {"left": "La vache", "right": "le veau"}, {"left": "La poule", "right": "le poussin"},
                {"left": "La chèvre", "right": "le chevreau"}], "correction": ""}),
            ("ordering", {"instructions": "Range les nombres du plus petit au plus grand.",
                          "items": ["12", "21", "102", "120"], "correction": "On compare d'abord le nombre de chiffres."}),
        ],
    )
    if stdout:
        stdout.write(f"Demo resources ready: {ResourcePage.objects.count()} resources, "
                     f"{WorkbookPage.objects.count()} workbooks.")
    return index
