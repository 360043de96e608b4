"""The terms of use and the privacy notice: created once with a first text the city then edits.

The texts below are content (like the demo's), in French, written for the city as data controller;
the city's data protection officer reviews them before opening the service.
"""

from django.core.cache import cache

from .models import LegalKind, LegalPage
from .page_cache import chrome_changed, chrome_version

_URLS_KEY = "preau:legal-urls"
URLS_CACHE_SECONDS = 300

TERMS = """
<h2>Objet</h2>
<p>Préau est l'espace numérique de travail des écoles publiques maternelles et élémentaires de la ville.
Il permet aux familles de suivre la vie de la classe de leurs enfants (articles, photos, cahier de textes,
mots à signer, agenda), aux enseignants et aux équipes du CLAE de la partager, et à la ville de publier
des ressources pour les familles.</p>
<h2>Accès au service</h2>
<p>Le compte d'une famille est ouvert avec le code personnel remis par l'école. Chaque responsable légal
dispose de son propre compte. Les identifiants sont personnels : ne les communiquez à personne. En cas de
perte ou de doute, demandez un nouveau courrier à l'école ou changez votre mot de passe.</p>
<h2>Ce que chacun voit</h2>
<p>Une famille ne voit que les classes, le CLAE et l'école de ses enfants, pour l'année scolaire en cours.
Les contenus d'une classe ne sont jamais publics.</p>
<h2>Règles d'usage</h2>
<ul>
<li>Les photos et documents sont réservés à un usage privé et familial : ne les diffusez pas, en particulier
sur les réseaux sociaux, car d'autres enfants peuvent y figurer.</li>
<li>Les commentaires restent courtois et concernent la vie de la classe ; l'enseignant peut les modérer.</li>
<li>Le lien privé d'agenda donne accès aux dates de vos enfants : ne le partagez pas ; vous pouvez le désactiver à tout moment.</li>
</ul>
<h2>Responsabilités</h2>
<p>La ville assure l'hébergement et le fonctionnement du service ; les enseignants et les équipes du CLAE sont
responsables des contenus qu'ils publient. Tout contenu inapproprié peut être signalé à l'école.</p>
<h2>Évolution des conditions</h2>
<p>La ville peut faire évoluer ces conditions ; la date de mise à jour figure en haut de cette page.</p>
"""

PRIVACY = """
<h2>Qui est responsable de vos données ?</h2>
<p>La ville, qui met Préau à la disposition des écoles, est responsable du traitement. Les directeurs
d'école, les enseignants et les équipes du CLAE y accèdent pour leurs missions. Vous pouvez joindre le
délégué à la protection des données (DPO) de la ville à l'adresse indiquée sur le site de la ville.</p>
<h2>Quelles données, pour quoi faire ?</h2>
<ul>
<li><strong>Identité et scolarité des élèves</strong> (nom, prénom, classe, école), transmises par l'outil de gestion
scolaire de la ville : ouvrir à chaque famille les espaces de la classe de ses enfants.</li>
<li><strong>Responsables légaux</strong> (nom, prénom, adresse électronique, mot de passe chiffré) : ouvrir et sécuriser votre compte,
vous envoyer les récapitulatifs et les relances que vous avez choisis.</li>
<li><strong>Contenus de la vie de classe et du CLAE</strong> (articles, photos, travaux, devoirs, mots, réponses aux coupons,
événements) : informer les familles. Les photos ne sont publiées que dans le respect du droit à l'image que vous avez exprimé.</li>
<li><strong>Traces techniques</strong> (journaux de connexion, tentatives échouées) : sécuriser le service.</li>
</ul>
<p>Base légale : l'exécution d'une mission d'intérêt public (le service public de l'éducation et le périscolaire) ;
votre consentement pour le droit à l'image, que vous pouvez retirer à tout moment.</p>
<h2>Combien de temps ?</h2>
<ul>
<li>Une classe archivée reste visible de ses familles deux mois après la rentrée suivante, puis n'est plus accessible aux familles.</li>
<li>Les galeries photo sont retirées et leurs fichiers supprimés à la fin de l'année scolaire qui suit leur publication.</li>
<li>Un compte désactivé (plus d'enfant scolarisé dans la ville) est supprimé trois mois après sa désactivation.</li>
<li>Les journaux techniques sont conservés un an au plus.</li>
</ul>
<h2>Qui reçoit vos données ?</h2>
<p>Seules les personnes habilitées de la ville, de l'école et du CLAE, et l'hébergeur de la ville qui agit
pour son compte. Aucune donnée n'est vendue ni utilisée à des fins publicitaires ; aucune n'est transférée hors de l'Union européenne.</p>
<h2>Vos droits</h2>
<p>Vous pouvez accéder à vos données, les faire rectifier, demander leur effacement ou la limitation de leur
traitement, et vous opposer à certains traitements, en écrivant au DPO de la ville. Vous pouvez retirer à tout
moment votre consentement au droit à l'image depuis « Mon espace ». Si vous estimez que vos droits ne sont pas
respectés, vous pouvez adresser une réclamation à la CNIL (www.cnil.fr).</p>
"""

DEFAULTS = {
    LegalKind.TERMS: ("Conditions d'utilisation", "conditions-d-utilisation", TERMS),
    LegalKind.PRIVACY: ("Protection des données personnelles", "confidentialite", PRIVACY),
}


def ensure_legal_pages(city_home):
    """Create the missing legal pages under the city home, published (idempotent)."""
    from django.utils import timezone

    for kind, (title, slug, body) in DEFAULTS.items():
        if LegalPage.objects.filter(kind=kind).exists():
            continue
        page = city_home.add_child(instance=LegalPage(
            title=title, slug=slug, kind=kind, body=body.strip(), updated_on=timezone.localdate()
        ))
        page.save_revision().publish()
    chrome_changed()


def legal_urls():
    """{"terms": url, "privacy": url} of the live legal pages (remembered a few minutes, under the chrome
    version that publishing, unpublishing, moving or deleting a legal page bumps: ent_pages.page_cache)."""
    key = f"{_URLS_KEY}:{chrome_version()}"
    urls = cache.get(key)
    if urls is None:
        urls = {page.kind: page.get_url() or "" for page in LegalPage.objects.live()}
        cache.set(key, urls, URLS_CACHE_SECONDS)
    return urls
