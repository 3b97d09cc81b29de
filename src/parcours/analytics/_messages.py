"""Every word the analytics package shows, in French and English (registered on import)."""

from __future__ import annotations

from parcours.i18n import register

register(
    {
        "analytics.matrix.title": {
            "fr": "Volumes par étape et par canal",
            "en": "Volumes per stage and channel",
        },
        "analytics.matrix.reading": {
            "fr": "{interactions} interactions de {customers} clients ; à l'étape {stage}, le canal "
            "préféré des clients est {channel} ({share} des contacts à leur initiative).",
            "en": "{interactions} interactions of {customers} customers; at the stage {stage}, "
            "customers prefer {channel} ({share} of the contacts they start).",
        },
        "analytics.matrix.missing": {
            "fr": " Points de contact prévus jamais observés : {touchpoints}.",
            "en": " Touchpoints defined but never observed: {touchpoints}.",
        },
        "analytics.matrix.undefined": {
            "fr": " Codes d'événement observés sans point de contact dans la carte : {codes}.",
            "en": " Event codes observed with no touchpoint in the map: {codes}.",
        },
        "analytics.funnel.title": {
            "fr": "Entonnoir des étapes du parcours",
            "en": "Funnel of the journey stages",
        },
        "analytics.funnel.reading": {
            "fr": "{share} des clients arrivés à {first} vont jusqu'à {last} (fenêtre de {days} "
            "jours) ; la plus forte perte est entre {worst} et {worst_next} ({lost} clients).",
            "en": "{share} of the customers who reach {first} go on to {last} (within {days} "
            "days); most are lost between {worst} and {worst_next} ({lost} customers).",
        },
        "analytics.paths.end": {"fr": "fin du chemin", "en": "path ends"},
        "analytics.paths.title": {
            "fr": "Chemins les plus fréquents (premiers points de contact)",
            "en": "Most frequent paths (first touchpoints)",
        },
        "analytics.paths.reading": {
            "fr": "Le chemin le plus fréquent est {path} ({sessions} parcours, {share}) ; les "
            "{top} chemins montrés couvrent {covered} des parcours.",
            "en": "The most frequent path is {path} ({sessions} journeys, {share}); the {top} "
            "paths shown cover {covered} of the journeys.",
        },
        "analytics.timing.title": {
            "fr": "Temps entre les étapes (médiane, 90e centile)",
            "en": "Time between stages (median, 90th percentile)",
        },
        "analytics.timing.reading": {
            "fr": "Le passage le plus long est de {stage} à {next} : {median} en médiane, "
            "{p90} pour 9 clients sur 10.",
            "en": "The longest step is from {stage} to {next}: {median} at the median, "
            "{p90} for 9 customers in 10.",
        },
        "analytics.timing.note": {"fr": "90e centile : {p90}", "en": "90th pct: {p90}"},
        "analytics.timing.axis": {
            "fr": "{from_} → {to} (jours)",
            "en": "{from_} → {to} (days)",
        },
        "analytics.blocking.title": {
            "fr": "Points de blocage (clients perdus par étape)",
            "en": "Blocking points (customers lost per stage)",
        },
        "analytics.blocking.reading": {
            "fr": "Le principal point de blocage est {stage} : {lost} clients ({share}) ne vont "
            "pas jusqu'à {next} ; en médiane, leur dernier contact a lieu {wait} après leur "
            "arrivée à l'étape. Un client est perdu ici quelle que soit la durée, alors que "
            "l'entonnoir ne compte que {days} jours : d'où un léger écart entre les deux.",
            "en": "The main blocking point is {stage}: {lost} customers ({share}) do not go on to "
            "{next}; at the median their last contact comes {wait} after they reach the stage. "
            "A customer is lost here whatever the time it takes, while the funnel counts only "
            "{days} days: hence a small difference between the two.",
        },
        "analytics.blocking.note": {"fr": "{share} perdus", "en": "{share} lost"},
        "analytics.friction.title": {
            "fr": "Redondances et ruptures",
            "en": "Redundancies and ruptures",
        },
        "analytics.friction.redundancy": {
            "fr": "{customers} clients reçoivent {first} puis {second} à moins de {gap} d'écart "
            "(deux messages pour un seul moment).",
            "en": "{customers} customers receive {first} then {second} less than {gap} apart (two "
            "messages for one moment).",
        },
        "analytics.friction.rupture": {
            "fr": " Rupture {name} : {customers} clients passent de {first} à {second}.",
            "en": " Rupture {name}: {customers} customers go from {first} to {second}.",
        },
        "analytics.friction.none": {
            "fr": "Aucun message redondant ni rupture trouvés.",
            "en": "No redundant message and no rupture found.",
        },
        "analytics.no_data": {
            "fr": "Pas d'interaction chargée : rien à quantifier.",
            "en": "No interaction loaded: nothing to quantify.",
        },
        "analytics.too_few_stages": {
            "fr": "La carte a moins de deux étapes : pas d'entonnoir ni de temps entre étapes.",
            "en": "The map has fewer than two stages: no funnel and no time between stages.",
        },
        "analytics.col.stage": {"fr": "Étape", "en": "Stage"},
        "analytics.col.channel": {"fr": "Canal", "en": "Channel"},
        "analytics.col.customers": {"fr": "Clients", "en": "Customers"},
        "analytics.col.lost": {"fr": "Perdus", "en": "Lost"},
        "analytics.col.path": {"fr": "Chemin", "en": "Path"},
        "analytics.col.sessions": {"fr": "Parcours", "en": "Journeys"},
        "analytics.col.share": {"fr": "Part", "en": "Share"},
        "analytics.col.first": {"fr": "Premier", "en": "First"},
        "analytics.col.second": {"fr": "Second", "en": "Second"},
        "analytics.col.kind": {"fr": "Type", "en": "Kind"},
        "analytics.kind.redundancy": {"fr": "redondance", "en": "redundancy"},
        "analytics.kind.rupture": {"fr": "rupture", "en": "rupture"},
        # CLI
        "analytics.cli.saved": {
            "fr": "Écrit : {path} ({rows} lignes)",
            "en": "Written: {path} ({rows} rows)",
        },
        "analytics.cli.empty": {"fr": "Aucun résultat.", "en": "No result."},
        "analytics.cli.steps": {
            "fr": "Étapes de l'entonnoir : au moins deux",
            "en": "Funnel steps: at least two",
        },
    }
)
