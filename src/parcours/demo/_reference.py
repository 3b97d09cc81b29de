"""Embedded reference lists for the demo company: French names, towns, agencies, verbatims.

Small on purpose (no download, no external data set): enough variety for realistic exports, and
every string is encodable in cp1252 because the CRM exports are written in that encoding.
"""

from __future__ import annotations

import unicodedata
from typing import NamedTuple


class Town(NamedTuple):
    """A town customers live in: postcodes, phone region prefix, sampling weight, agency."""

    name: str
    postcodes: tuple[str, ...]
    phone_prefix: (
        str  # 01 Île-de-France, 02 north-west, 03 north-east, 04 south-east, 05 south-west
    )
    weight: float
    big: bool  # Paris and the big cities (the young-connected persona lives there)
    agency: str


BIG_TOWNS: tuple[Town, ...] = tuple(
    Town(name, postcodes, prefix, weight, True, agency)
    for name, postcodes, prefix, weight, agency in (
        ("Paris", tuple(f"750{i:02d}" for i in range(1, 21)), "01", 10.0, "Paris Opéra"),
        ("Lyon", tuple(f"6900{i}" for i in range(1, 10)), "04", 3.0, "Lyon Part-Dieu"),
        ("Marseille", tuple(f"130{i:02d}" for i in range(1, 17)), "04", 3.0, "Marseille Prado"),
        ("Toulouse", ("31000", "31100", "31200", "31300", "31400", "31500"), "05", 2.5,
         "Toulouse Capitole"),
        ("Nice", ("06000", "06100", "06200", "06300"), "04", 1.5, "Nice Masséna"),
        ("Nantes", ("44000", "44100", "44200", "44300"), "02", 1.5, "Nantes Commerce"),
        ("Strasbourg", ("67000", "67100", "67200"), "03", 1.3, "Strasbourg Kléber"),
        ("Montpellier", ("34000", "34070", "34080", "34090"), "04", 1.4, "Montpellier Comédie"),
        ("Bordeaux", ("33000", "33100", "33200", "33300", "33800"), "05", 1.5,
         "Bordeaux Quinconces"),
        ("Lille", ("59000", "59160", "59260", "59800"), "03", 1.5, "Lille Grand-Place"),
        ("Rennes", ("35000", "35200", "35700"), "02", 1.2, "Rennes République"),
    )
)  # fmt: skip

PROVINCE_TOWNS: tuple[Town, ...] = tuple(
    Town(name, (postcode,), prefix, weight, False, name)
    for name, postcode, prefix, weight in (
        ("Quimper", "29000", "02", 0.8),
        ("Vannes", "56000", "02", 0.9),
        ("Lorient", "56100", "02", 0.8),
        ("Saint-Brieuc", "22000", "02", 0.7),
        ("Laval", "53000", "02", 0.7),
        ("Le Mans", "72000", "02", 1.0),
        ("Cholet", "49300", "02", 0.6),
        ("La Roche-sur-Yon", "85000", "02", 0.7),
        ("Niort", "79000", "05", 0.8),
        ("Angoulême", "16000", "05", 0.6),
        ("Limoges", "87000", "05", 1.0),
        ("Périgueux", "24000", "05", 0.5),
        ("Brive-la-Gaillarde", "19100", "05", 0.5),
        ("Agen", "47000", "05", 0.5),
        ("Mont-de-Marsan", "40000", "05", 0.4),
        ("Pau", "64000", "05", 0.9),
        ("Tarbes", "65000", "05", 0.6),
        ("Rodez", "12000", "05", 0.4),
        ("Albi", "81000", "05", 0.5),
        ("Cahors", "46000", "05", 0.3),
        ("Aurillac", "15000", "04", 0.3),
        ("Le Puy-en-Velay", "43000", "04", 0.3),
        ("Valence", "26000", "04", 0.7),
        ("Gap", "05000", "04", 0.4),
        ("Annecy", "74000", "04", 0.9),
        ("Chambéry", "73000", "04", 0.7),
        ("Bourg-en-Bresse", "01000", "04", 0.5),
        ("Mâcon", "71000", "03", 0.4),
        ("Auxerre", "89000", "03", 0.4),
        ("Nevers", "58000", "03", 0.4),
        ("Bourges", "18000", "02", 0.5),
        ("Châteauroux", "36000", "02", 0.4),
        ("Blois", "41000", "02", 0.5),
        ("Chartres", "28000", "02", 0.5),
        ("Évreux", "27000", "02", 0.5),
        ("Alençon", "61000", "02", 0.3),
        ("Saint-Lô", "50000", "02", 0.3),
        ("Beauvais", "60000", "03", 0.5),
        ("Laon", "02000", "03", 0.3),
        ("Charleville-Mézières", "08000", "03", 0.4),
        ("Troyes", "10000", "03", 0.6),
        ("Épinal", "88000", "03", 0.4),
        ("Colmar", "68000", "03", 0.6),
        ("Lons-le-Saunier", "39000", "03", 0.3),
        ("Vesoul", "70000", "03", 0.3),
        ("Ajaccio", "20000", "04", 0.5),
    )
)

TOWNS: tuple[Town, ...] = BIG_TOWNS + PROVINCE_TOWNS

# First names by generation (the generation follows the age drawn for the person), then by sex.
FIRST_NAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "young": {
        "F": ("Léa", "Manon", "Camille", "Chloé", "Emma", "Sarah", "Inès", "Julie", "Laura",
              "Marie", "Pauline", "Anaïs", "Clara", "Océane", "Marine", "Mathilde", "Lucie",
              "Justine", "Zoé", "Maëlle"),
        "M": ("Lucas", "Hugo", "Thomas", "Théo", "Nathan", "Maxime", "Alexandre", "Antoine",
              "Quentin", "Kévin", "Romain", "Julien", "Clément", "Louis", "Mehdi", "Yanis", "Enzo",
              "Baptiste", "Florian", "Mathis"),
    },
    "middle": {
        "F": ("Nathalie", "Stéphanie", "Céline", "Sandrine", "Aurélie", "Émilie", "Virginie",
              "Sophie", "Caroline", "Élodie", "Delphine", "Karine", "Audrey", "Laetitia", "Hélène",
              "Mélanie", "Amélie", "Séverine", "Christelle", "Vanessa"),
        "M": ("Nicolas", "Sébastien", "Julien", "Christophe", "Stéphane", "Frédéric", "David",
              "Jérôme", "Cédric", "Olivier", "Laurent", "Guillaume", "Fabien", "Vincent", "Mickaël",
              "Arnaud", "Grégory", "Jean-Baptiste", "Benoît", "Loïc"),
    },
    "old": {
        "F": ("Monique", "Françoise", "Catherine", "Martine", "Nicole", "Sylvie", "Isabelle",
              "Christine", "Jacqueline", "Brigitte", "Dominique", "Annie", "Chantal", "Danielle",
              "Josiane", "Marie-Thérèse", "Geneviève", "Colette", "Michèle", "Odile"),
        "M": ("Jean", "Michel", "Philippe", "Alain", "Patrick", "Bernard", "Gérard", "Daniel",
              "Jacques", "Christian", "René", "Claude", "Pierre", "Jean-Pierre", "Serge", "Joël",
              "Guy", "André", "Roger", "Yves"),
    },
}  # fmt: skip

LAST_NAMES: tuple[str, ...] = (
    "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau",
    "Laurent", "Simon", "Michel", "Lefèvre", "Leroy", "Roux", "David", "Bertrand", "Morel",
    "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent",
    "Muller", "Lefebvre", "Faure", "André", "Mercier", "Blanc", "Guérin", "Boyer", "Garnier",
    "Chevalier", "François", "Legrand", "Gauthier", "Garcia", "Perrin", "Robin", "Clément",
    "Morin", "Nicolas", "Henry", "Roussel", "Mathieu", "Gautier", "Masson", "Marchand", "Duval",
    "Denis", "Dumont", "Marie", "Lemaire", "Noël", "Meyer", "Dufour", "Meunier", "Brun",
    "Blanchard", "Giraud", "Joly", "Rivière", "Lucas", "Brunet", "Gaillard", "Barbier", "Arnaud",
    "Martinez", "Gérard", "Roche", "Renard", "Schmitt", "Roy", "Leroux", "Colin", "Vidal",
    "Caron", "Picard", "Roger", "Fabre", "Aubert", "Lemoine", "Renaud", "Dumas", "Lacroix",
    "Olivier", "Philippe", "Bourgeois", "Pierre", "Benoît", "Rey", "Leclerc", "Payet", "Rolland",
    "Leclercq", "Guillaume", "Lecomte", "Lopez", "Jean", "Dupuy", "Guillot", "Hubert", "Berger",
    "Carpentier", "Sanchez", "Dupuis", "Moulin", "Louis", "Deschamps", "Huet", "Vasseur", "Perez",
    "Boucher", "Fleury", "Royer", "Klein", "Jacquet", "Adam", "Paris", "Poirier", "Marty",
    "Aubry", "Guyot", "Carré", "Charles", "Renault", "Charpentier", "Ménard", "Maillard", "Baron",
    "Bertin", "Bailly", "Hervé", "Schneider", "Fernandez", "Le Gall", "Collet", "Léger",
    "Bouvier", "Julien", "Prévost", "Millet", "Perrot", "Daniel", "Le Roux", "Cousin", "Germain",
    "Breton", "Besson", "Langlois", "Rémy", "Le Goff", "Pelletier", "Lévêque", "Perrier",
    "Leblanc", "Barré", "Lebrun", "Marchal", "Weber", "Mallet", "Hamon", "Boulanger", "Jacob",
    "Monnier", "Michaud", "Rodriguez", "Guichard", "Gillet", "Étienne", "Grondin", "Poulain",
    "Tessier", "Chevallier", "Collin", "Chauvin", "Da Silva", "Bouchet", "Gay", "Lemaître",
    "Bénard", "Maréchal", "Humbert", "Reynaud", "Antoine", "Hoarau", "Perret", "Barthélemy",
    "Cordier", "Pichon", "Lejeune", "Gilbert", "Lamy", "Delaunay", "Pasquier", "Carlier",
    "Laporte", "N'Diaye", "Nguyen", "Benali", "Haddad", "Lecœur", "Ferreira", "Diallo",
)  # fmt: skip

ADVISORS: tuple[str, ...] = (
    "Sophie Lambert", "Karim Benali", "Isabelle Moreau", "Thomas Giraud", "Claire Fontaine",
    "Nadia Haddad", "Pierre Lefèvre", "Julie Mercier", "Olivier Roux", "Aurélie Petit",
    "Marc Dubois", "Sandrine Faure", "Yannick Le Goff", "Céline Robin", "Franck Blanchard",
    "Émilie Garnier", "Laurent Chevalier", "Nathalie Perrin", "Hervé Masson", "Valérie Colin",
)  # fmt: skip

# Mailbox domains by generation: the young use webmail, the old their historical ISP.
EMAIL_DOMAINS: dict[str, tuple[tuple[str, float], ...]] = {
    "young": (("gmail.com", 0.55), ("icloud.com", 0.15), ("outlook.fr", 0.1),
              ("hotmail.fr", 0.1), ("yahoo.fr", 0.05), ("proton.me", 0.05)),
    "middle": (("gmail.com", 0.4), ("orange.fr", 0.15), ("hotmail.fr", 0.15), ("free.fr", 0.1),
               ("yahoo.fr", 0.08), ("sfr.fr", 0.07), ("laposte.net", 0.05)),
    "old": (("orange.fr", 0.35), ("wanadoo.fr", 0.2), ("free.fr", 0.12), ("laposte.net", 0.12),
            ("sfr.fr", 0.08), ("gmail.com", 0.1), ("neuf.fr", 0.03)),
}  # fmt: skip


def ascii_slug(text: str) -> str:
    """A name as people type it in an e-mail address: lower-case ASCII, no spaces or quotes."""
    text = text.replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.lower().replace(" ", "").replace("'", "")


# Survey verbatims. Keys: (kind, polarity). The irritant pool always speaks of "délai(s)": analyses
# that look for the theme of the irritant must find it there and rarely elsewhere.
VERBATIMS: dict[str, tuple[str, ...]] = {
    "irritant": (
        "Trois semaines pour être remboursé, et personne ne sait me dire où en est mon dossier. "
        "Les délais sont inacceptables.",
        "J'ai envoyé ma feuille de soins par courrier il y a un mois.\nToujours rien. "
        "Délai beaucoup trop long.",
        "Au téléphone on m'a dit \"c'est en cours de traitement\", trois fois. Quel délai, "
        "franchement !",
        "Délais de remboursement catastrophiques, j'ai dû avancer 300 € de frais dentaires.",
        "Impossible de savoir où en est mon remboursement, pas de suivi, délai de 48 h jamais "
        "respecté.",
        "Le conseiller était aimable, mais le délai de traitement de mon dossier papier dépasse "
        "trois semaines.",
        'Vous promettez "remboursé sous 48 h" : j\'attends depuis 22 jours. Délais honteux.',
        "Relancé deux fois par téléphone, toujours pas de remboursement.\nJe vais changer de "
        "mutuelle si les délais ne s'améliorent pas.",
        "Délai trop long, aucune information, on doit tout le temps appeler.",
        "Feuille de soins perdue ? On me demande de la renvoyer, encore un délai de 15 jours...",
        "Attente interminable au téléphone pour s'entendre dire de patienter. Délais à revoir.",
        "Remboursement reçu, mais après 4 semaines ; délai incompatible avec un budget serré, "
        "surtout avec les lunettes des enfants.",
        "Les délais de remboursement par courrier sont d'un autre temps. Pourquoi pas un suivi "
        "en ligne ?",
        "Délai, délai, délai.\nC'est le seul mot qui me vient quand je pense à vous.",
    ),
    "irritant_en": (
        "Long delays, nobody could tell me where my claim was. Very disappointing.",
        'Sent my claim by post, waited a month. "It is being processed" is not an answer.',
    ),
    "enchantment": (
        "Photo de la facture dans l'appli, SMS deux jours après : remboursé. Parfait.",
        "Super appli, remboursement en 48 h comme promis 👍",
        "Très simple : je prends la facture en photo, et c'est réglé. Bravo !",
        "Rapide, clair, et le SMS de confirmation rassure. Rien à redire.",
        "L'appli est vraiment bien faite, j'ai été remboursée en deux jours, sans rien imprimer.",
        "Remboursement reçu avant même d'avoir eu le temps d'y penser, merci !",
        "Efficace, moderne, \"zéro papier\" : exactement ce que j'attends d'une mutuelle.",
        "Je ne pensais pas qu'une mutuelle pouvait être aussi rapide.\nContinuez comme ça.",
    ),
    "enchantment_en": (
        "Snapped the receipt in the app, got paid two days later. Great.",
        "Fast and easy, the text message confirmation is reassuring.",
    ),
    "rupture": (
        "J'avais fait mon devis sur internet, en agence ils ne l'ont pas retrouvé : "
        "tout à refaire.",
        "Le conseiller n'avait pas accès à mon devis web, on a tout ressaisi, 45 minutes perdues.",
        "Pourquoi faire un devis en ligne si l'agence ne le voit pas ?\nTrès frustrant.",
        "On m'a dit en agence \"le site, ce n'est pas nous\". Devis refait de zéro.",
    ),
    "quote+": (
        "Devis clair et rapide, reçu dans l'heure.",
        "Conseiller à l'écoute, devis bien expliqué, merci.",
        "Simulation facile sur le site, tarifs lisibles.",
        "Bon accompagnement pour comparer les formules, sans pression commerciale.",
    ),
    "quote-": (
        "Devis reçu au bout de trois jours, alors que vous promettez une heure.",
        "Trop de questions pour un simple devis, et les garanties restent floues.",
        "Le comparateur est illisible, je n'ai pas compris ce qui est remboursé.",
    ),
    "subscribe+": (
        "Adhésion simple, tout s'est fait en ligne en 10 minutes.",
        "Conseiller disponible, adhésion rapide.",
        "Bonne expérience, la carte de tiers payant est arrivée vite.",
    ),
    "subscribe-": (
        "Il a fallu renvoyer deux fois les mêmes pièces justificatives.",
        "Adhésion laborieuse, beaucoup de papiers, et deux e-mails identiques le même jour.",
    ),
    "reimbursement+": (
        "Remboursement correct, dans les temps annoncés.",
        "Site pratique pour déposer mes factures, même si l'appli est plus rapide.",
        "RAS, remboursé comme prévu.",
        "Délai respecté, rien à dire.",
    ),
    "reimbursement-": (
        "Le site plante au moment de joindre la facture, j'ai dû recommencer.",
        "Décompte incompréhensible, je ne sais pas ce qui a été remboursé, ni pourquoi.",
    ),
    "complaint+": (
        "Réclamation traitée, conseiller compréhensif.",
        "Problème résolu, même s'il a fallu insister un peu.",
    ),
    "complaint-": (
        "Réclamation sans réponse depuis deux semaines, personne ne rappelle.",
        "On me renvoie d'un service à l'autre, \"ce n'est pas chez nous\", épuisant.",
        "Troisième réclamation pour le même problème.\nJe suis à bout.",
    ),
    "cancel+": (
        "Rien à reprocher, je résilie car mon employeur impose une mutuelle d'entreprise.",
        "Départ pour une mutuelle obligatoire d'entreprise, service correct.",
    ),
    "cancel-": (
        "Tarifs qui augmentent chaque année, je pars à la concurrence.",
        "Résiliation compliquée, on m'a demandé un courrier recommandé, en 2026 !",
        "Trop de soucis de remboursement, je pars.",
    ),
    "generic_en+": (
        "Quick quote, clear prices.",
        "The agent was helpful, thanks.",
        "Smooth experience overall.",
    ),
    "generic_en-": (
        "Too much paperwork, and nobody calls back.",
        "Prices keep going up, not worth it.",
    ),
}
