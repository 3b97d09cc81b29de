"""Every word the personas package shows, in French and English (registered on import)."""

from __future__ import annotations

from parcours.i18n import register

register(
    {
        "personas.card.title": {
            "fr": "Fiche modèle — {name} ({id})",
            "en": "Model card — {name} ({id})",
        },
        "personas.card.labelled": {
            "fr": "Graines : {seeds} clients typiques, jumeaux : {twins} (minimum demandé {asked})",
            "en": "Seeds: {seeds} typical customers, twins: {twins} (minimum asked {asked})",
        },
        "personas.card.shortfall": {
            "fr": "Attention : la base ne fournit que {found} graines et jumeaux sur {asked} demandés",
            "en": "Warning: the base supplies only {found} seeds and twins of the {asked} asked",
        },
        "personas.card.model": {
            "fr": "Modèle : {estimator} sur {features} variables (apprentissage positif-non étiqueté, "
            "correction c = {c})",
            "en": "Model: {estimator} on {features} features (positive-unlabelled learning, "
            "correction c = {c})",
        },
        "personas.card.excluded": {
            "fr": "Variables écartées (elles trahiraient la sélection des graines) : {features}",
            "en": "Features left out (they would give away how seeds were selected): {features}",
        },
        "personas.card.recall": {
            "fr": "Rappel sur les graines mises de côté (validation croisée) : {recall}",
            "en": "Recall on held-out seeds (cross-validated): {recall}",
        },
        "personas.card.auc": {
            "fr": "AUC étiquetés contre non étiquetés (borne basse) : {auc}",
            "en": "AUC labelled vs unlabelled (a lower bound): {auc}",
        },
        "personas.card.size": {
            "fr": "Taille estimée du persona : {size} clients ({share} de la base)",
            "en": "Estimated persona size: {size} customers ({share} of the base)",
        },
        "personas.card.truth": {
            "fr": "Contrôle sur la vérité connue : précision {precision} au seuil {threshold}, "
            "taille estimée {size} pour {truth} vrais ({gap})",
            "en": "Check against the known truth: precision {precision} at threshold {threshold}, "
            "estimated size {size} for {truth} true ({gap})",
        },
        "personas.card.assigned": {
            "fr": "Affectés : {n} clients (seuil {threshold}, écart minimal {margin})",
            "en": "Assigned: {n} customers (threshold {threshold}, minimum margin {margin})",
        },
        "personas.estimator.boosting": {"fr": "gradient boosting", "en": "gradient boosting"},
        "personas.estimator.logistic": {"fr": "régression logistique", "en": "logistic regression"},
        "personas.unassigned": {"fr": "non affecté", "en": "unassigned"},
        "personas.fit.done": {
            "fr": "{n} personas appris sur {customers} clients ; modèle enregistré dans {path}",
            "en": "{n} personas fitted on {customers} customers; model saved in {path}",
        },
        "personas.score.done": {
            "fr": "{customers} clients notés ; table persona_scores écrite dans l'entrepôt",
            "en": "{customers} customers scored; table persona_scores written to the warehouse",
        },
        "personas.export.done": {
            "fr": "{rows} lignes exportées dans {path}",
            "en": "{rows} rows exported to {path}",
        },
        "personas.col.persona": {"fr": "persona", "en": "persona"},
        "personas.col.customers": {"fr": "clients", "en": "customers"},
        "personas.col.prospects": {"fr": "prospects", "en": "prospects"},
        "personas.col.total": {"fr": "total", "en": "total"},
        "personas.col.share": {"fr": "part", "en": "share"},
        "personas.col.revenue": {"fr": "chiffre d'affaires", "en": "revenue"},
        "personas.col.revenue_share": {"fr": "part du CA", "en": "revenue share"},
        "personas.col.estimated": {"fr": "taille estimée", "en": "estimated size"},
        "personas.table.title": {
            "fr": "Poids des personas dans la base",
            "en": "Weight of the personas in the base",
        },
        "personas.section.title": {"fr": "Personas dans la base", "en": "Personas in the base"},
        "personas.section.reading": {
            "fr": "{assigned} des clients ressemblent assez à un persona pour lui être affectés ; "
            "le plus grand, {top}, pèse {share} de la base et {revenue} du chiffre d'affaires.",
            "en": "{assigned} of the customers resemble a persona enough to be assigned to it; "
            "the largest, {top}, weighs {share} of the base and {revenue} of revenue.",
        },
        "personas.section.none": {
            "fr": "Les personas n'ont pas encore été projetés dans la base "
            "(parcours personas fit puis score).",
            "en": "Personas have not been projected into the base yet "
            "(parcours personas fit, then score).",
        },
        "personas.card.portrait": {"fr": "Portrait", "en": "Portrait"},
        "personas.card.expectations": {"fr": "Attentes", "en": "Expectations"},
        "personas.card.channels": {"fr": "Canaux préférés", "en": "Preferred channels"},
        "personas.card.tone": {"fr": "Ton", "en": "Tone"},
        "personas.card.drivers": {"fr": "Critères clés", "en": "Key drivers"},
        "personas.card.habit": {"fr": "habitude", "en": "habit"},
        "personas.card.weight": {
            "fr": "{customers} clients affectés, {share} de la base, {revenue} du chiffre d'affaires",
            "en": "{customers} customers assigned, {share} of the base, {revenue} of revenue",
        },
    }
)
