from resources.models import ResourcePage, WorkbookPage


def test_demo_seeds_canteen_screens_enrolment_and_workbook(resources_index):
    titles = set(ResourcePage.objects.values_list("title", flat=True))
    assert {"Tarifs de la cantine", "Bien grandir avec les écrans", "Dates des inscriptions scolaires"} <= titles
    assert WorkbookPage.objects.live().count() == 1


def test_demo_resources_seed_is_idempotent(resources_index, city):
    from resources.demo import seed

    seed(city)
    assert ResourcePage.objects.count() == 3
