"""The words of parcours.voc, in French and English (registered on import)."""

from __future__ import annotations

from parcours.i18n import Lang, register

MESSAGES: dict[str, dict[Lang, str]] = {
    "voc.metric.nps": {"fr": "NPS", "en": "NPS"},
    "voc.metric.csat": {"fr": "CSAT (% satisfaits)", "en": "CSAT (% satisfied)"},
    "voc.metric.ces": {"fr": "CES (effort)", "en": "CES (effort)"},
    "voc.col.stage": {"fr": "étape", "en": "stage"},
    "voc.col.channel": {"fr": "canal", "en": "channel"},
    "voc.col.touchpoint": {"fr": "point de contact", "en": "touchpoint"},
    "voc.col.persona": {"fr": "persona", "en": "persona"},
    "voc.col.period": {"fr": "période", "en": "period"},
    "voc.col.value": {"fr": "valeur", "en": "value"},
    "voc.col.metric": {"fr": "indicateur", "en": "metric"},
    "voc.col.ci_low": {"fr": "borne basse", "en": "low bound"},
    "voc.col.ci_high": {"fr": "borne haute", "en": "high bound"},
    "voc.col.small_sample": {"fr": "petit échantillon", "en": "small sample"},
    "voc.col.method": {"fr": "méthode", "en": "method"},
    "voc.col.recency": {"fr": "occurrences pondérées", "en": "recency-weighted"},
    "voc.col.volume": {"fr": "volume", "en": "volume"},
    "voc.col.examples": {"fr": "meilleurs verbatims", "en": "best verbatims"},
    "voc.col.observations": {"fr": "observations", "en": "observations"},
    "voc.col.employee_value": {"fr": "collaborateurs (-2..+2)", "en": "employees (-2..+2)"},
    "voc.col.employee_n": {"fr": "n collaborateurs", "en": "n employees"},
    "voc.col.customer_emotion": {"fr": "clients (-2..+2)", "en": "customers (-2..+2)"},
    "voc.col.customer_n": {"fr": "n clients", "en": "n customers"},
    "voc.col.customer_nps": {"fr": "NPS clients", "en": "customer NPS"},
    "voc.col.better": {"fr": "Better", "en": "Better"},
    "voc.col.worse": {"fr": "Worse", "en": "Worse"},
    "voc.col.action": {"fr": "action", "en": "action"},
    "voc.col.description": {"fr": "description", "en": "description"},
    "voc.col.lost": {"fr": "points perdus", "en": "points lost"},
    "voc.col.lang": {"fr": "langue", "en": "language"},
    "voc.col.ts": {"fr": "date", "en": "date"},
    "voc.col.n": {"fr": "n", "en": "n"},
    "voc.col.interval": {"fr": "intervalle à 95 %", "en": "95% interval"},
    "voc.col.small": {"fr": "petit échantillon", "en": "small sample"},
    "voc.col.kind": {"fr": "type", "en": "kind"},
    "voc.col.theme": {"fr": "thème", "en": "theme"},
    "voc.col.weight": {"fr": "poids", "en": "weight"},
    "voc.col.occurrences": {"fr": "occurrences", "en": "occurrences"},
    "voc.col.verbatim": {"fr": "verbatim", "en": "verbatim"},
    "voc.col.emotion": {"fr": "émotion (-2..+2)", "en": "emotion (-2..+2)"},
    "voc.col.score": {"fr": "score (%)", "en": "score (%)"},
    "voc.col.class": {"fr": "classe", "en": "class"},
    "voc.col.target": {"fr": "cible", "en": "target"},
    "voc.col.gap": {"fr": "écart à la cible", "en": "gap to target"},
    "voc.col.key_moment": {"fr": "moment clé", "en": "key moment"},
    "voc.col.feature": {"fr": "fonctionnalité", "en": "feature"},
    "voc.col.category": {"fr": "catégorie", "en": "category"},
    "voc.col.verdict": {"fr": "verdict", "en": "verdict"},
    "voc.col.employee": {"fr": "collaborateurs (-2..+2)", "en": "employees (-2..+2)"},
    "voc.col.customer": {"fr": "clients (-2..+2)", "en": "customers (-2..+2)"},
    "voc.col.difficulties": {"fr": "difficultés", "en": "difficulties"},
    "voc.col.label": {"fr": "classe", "en": "class"},
    "voc.yes": {"fr": "oui", "en": "yes"},
    "voc.no": {"fr": "non", "en": "no"},
    "voc.kind.irritant": {"fr": "irritant", "en": "irritant"},
    "voc.kind.enchantment": {"fr": "enchantement", "en": "enchantment"},
    "voc.kind.neutral": {"fr": "neutre", "en": "neutral"},
    "voc.class.deceptive": {"fr": "décevant", "en": "deceptive"},
    "voc.class.neutral": {"fr": "neutre", "en": "neutral"},
    "voc.class.enchanting": {"fr": "enchanteur", "en": "enchanting"},
    "voc.verdict.approved": {"fr": "retenue", "en": "approved"},
    "voc.verdict.to study": {"fr": "à étudier", "en": "to study"},
    "voc.verdict.rejected": {"fr": "rejetée", "en": "rejected"},
    "voc.theme.delays": {"fr": "délais", "en": "delays"},
    "voc.theme.reachability": {"fr": "joignabilité", "en": "reachability"},
    "voc.theme.price": {"fr": "prix", "en": "price"},
    "voc.theme.clarity": {"fr": "clarté de l'information", "en": "clarity of information"},
    "voc.theme.empathy": {"fr": "accueil / empathie", "en": "welcome / empathy"},
    "voc.theme.digital": {"fr": "digital", "en": "digital"},
    "voc.theme.reimbursement": {"fr": "remboursement", "en": "reimbursement"},
    "voc.theme.other": {"fr": "autres sujets", "en": "other topics"},
    "voc.title.satisfaction": {"fr": "{metric} par {by}", "en": "{metric} by {by}"},
    "voc.title.irritants": {"fr": "Irritants classés", "en": "Ranked irritants"},
    "voc.title.enchantments": {"fr": "Enchantements classés", "en": "Ranked enchantments"},
    "voc.title.verbatims": {"fr": "Verbatims classés", "en": "Classified verbatims"},
    "voc.title.emotion": {"fr": "Courbe des émotions", "en": "Emotion curve"},
    "voc.title.score": {"fr": "Score d'expérience par étape", "en": "Experience score by stage"},
    "voc.title.actions": {
        "fr": "Actions attendues qui coûtent le plus de points",
        "en": "Expected actions losing the most points",
    },
    "voc.title.kano": {
        "fr": "Kano : catégories et verdicts",
        "en": "Kano: categories and verdicts",
    },
    "voc.title.employees": {
        "fr": "Vécu collaborateur et vécu client",
        "en": "Employee and customer experience",
    },
    "voc.title.nps_by_stage": {"fr": "NPS par étape", "en": "NPS by stage"},
    "voc.reading.nps_by_stage": {
        "fr": "NPS de chaque étape avec son intervalle de confiance à 95 % (Wald ajusté) ; "
        "les barres hachurées reposent sur moins de {min_n} réponses.",
        "en": "NPS of each stage with its 95% confidence interval (adjusted Wald); hatched bars "
        "rest on fewer than {min_n} answers.",
    },
    "voc.reading.irritants": {
        "fr": "Irritants pondérés par leurs occurrences, le volume du point de contact et leur "
        "récence (demi-vie {half_life} jours), avec le verbatim le plus parlant. L'indice est la "
        "part de chaque irritant dans le poids de tous les irritants du parcours (100 % au total).",
        "en": "Irritants weighted by occurrences, touchpoint volume and recency (half-life "
        "{half_life} days), with the most telling verbatim. The index is each irritant's share "
        "of the weight of all the journey's irritants (100% in all).",
    },
    "voc.reading.enchantments": {
        "fr": "Enchantements pondérés de la même façon : ce qui dépasse les attentes. L'indice "
        "est la part de chacun dans le poids de tous les enchantements (100 % au total).",
        "en": "Enchantments weighted the same way: what goes beyond expectations. The index is "
        "each one's share of the weight of all enchantments (100% in all).",
    },
    "voc.reading.no_enchantments": {
        "fr": "Aucun enchantement trouvé dans les verbatims de ce parcours.",
        "en": "No enchantment found in this journey's verbatims.",
    },
    "voc.col.index": {"fr": "indice (part du poids)", "en": "index (share of weight)"},
    "voc.reading.emotion": {
        "fr": "Émotion moyenne à chaque étape, de -2 (très négative) à +2 (très positive), tirée "
        "de la satisfaction : 0 pour une satisfaction de 3/5 ou une recommandation de 7/10 (un "
        "« passif » du NPS), négative pour un détracteur ; souvenir estimé (pic-fin) : {peak_end}.",
        "en": "Mean emotion at each stage, from -2 (very negative) to +2 (very positive), from "
        "satisfaction: 0 for a satisfaction of 3/5 or a recommendation of 7/10 (an NPS "
        "“passive”), negative for a detractor; remembered experience (peak-end): {peak_end}.",
    },
    "voc.reading.no_responses": {
        "fr": "Aucune réponse d'enquête pour ce parcours : importez des réponses (table responses).",
        "en": "No survey answer for this journey: import responses (responses table).",
    },
    "voc.reading.no_verbatims": {
        "fr": "Aucun irritant trouvé dans les verbatims de ce parcours.",
        "en": "No irritant found in this journey's verbatims.",
    },
    "voc.reading.employees": {
        "fr": "Vécu des collaborateurs à chaque étape (enquête interne, -2 à +2) à côté de "
        "l'émotion et du NPS des clients, avec leurs difficultés.",
        "en": "What employees live at each stage (internal survey, -2 to +2) beside the "
        "customers' emotion and NPS, with their difficulties.",
    },
    "voc.reading.no_employees": {
        "fr": "Pas de vécu collaborateur : ni difficultés dans la carte, ni enquête interne "
        "(raw/employee_survey.csv).",
        "en": "No employee experience: no difficulties in the map and no internal survey "
        "(raw/employee_survey.csv).",
    },
    "voc.empty": {"fr": "Aucune donnée.", "en": "No data."},
    "voc.written": {"fr": "{n} lignes écrites dans {path}", "en": "{n} rows written to {path}"},
    "voc.peak_end": {
        "fr": "Souvenir estimé (pic-fin) : {value}",
        "en": "Remembered experience (peak-end): {value}",
    },
    "voc.model.saved": {
        "fr": "Modèle entraîné sur {n} verbatims, enregistré dans {path}",
        "en": "Model trained on {n} verbatims, saved to {path}",
    },
    "voc.model.cv": {
        "fr": "Validation croisée ({folds} plis) :",
        "en": "Cross-validation ({folds} folds):",
    },
    "voc.small_note": {"fr": "n < {min_n}", "en": "n < {min_n}"},
}

register(MESSAGES)
