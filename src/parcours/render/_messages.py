"""Every word the journey map and the report write, in French and English."""

from __future__ import annotations

from parcours.i18n import register

MESSAGES = {
    "render.map.title": {"fr": "Carte du parcours client", "en": "Customer journey map"},
    "render.map.as_is": {"fr": "parcours actuel", "en": "current journey"},
    "render.map.to_be": {"fr": "parcours cible", "en": "target journey"},
    "render.map.persona": {"fr": "Persona : {name}", "en": "Persona: {name}"},
    "render.map.all_customers": {"fr": "Tous les clients", "en": "All customers"},
    "render.map.period": {"fr": "Période : {period}", "en": "Period: {period}"},
    "render.map.period_span": {"fr": "du {start} au {end}", "en": "{start} to {end}"},
    "render.map.period_from": {"fr": "depuis le {start}", "en": "from {start}"},
    "render.map.period_until": {"fr": "jusqu'au {end}", "en": "until {end}"},
    "render.map.generated": {"fr": "Généré le {date}", "en": "Generated on {date}"},
    "render.map.promise": {"fr": "Promesse : {text}", "en": "Promise: {text}"},
    "render.map.no_data": {"fr": "pas de données", "en": "no data"},
    "render.map.no_workspace": {
        "fr": "pas de données : carte seule, sans espace de travail",
        "en": "no data: map only, no workspace",
    },
    "render.map.no_persona_data": {
        "fr": "pas de données : les personas n'ont pas été attribués aux clients",
        "en": "no data: personas have not been assigned to customers",
    },
    "render.map.no_voc": {
        "fr": "pas de données : aucune réponse d'enquête",
        "en": "no data: no survey answer",
    },
    "render.lane.phase": {"fr": "Phase", "en": "Phase"},
    "render.lane.stage": {"fr": "Étape (voix du client)", "en": "Stage (customer's voice)"},
    "render.lane.actions": {"fr": "Actions du client", "en": "Customer actions"},
    "render.lane.expectations": {"fr": "Attentes", "en": "Expectations"},
    "render.lane.touchpoints": {
        "fr": "Canaux et points de contact",
        "en": "Channels and touchpoints",
    },
    "render.lane.touchpoints_note": {
        "fr": "interactions, clients",
        "en": "interactions, customers",
    },
    "render.lane.conversion": {"fr": "Passage à l'étape suivante", "en": "On to the next stage"},
    "render.lane.ruptures": {"fr": "Ruptures", "en": "Ruptures"},
    "render.lane.emotion": {"fr": "Courbe des émotions", "en": "Emotion curve"},
    "render.lane.satisfaction": {"fr": "Satisfaction", "en": "Satisfaction"},
    "render.lane.irritants": {"fr": "Irritants", "en": "Irritants"},
    "render.lane.enchantments": {"fr": "Enchantements", "en": "Enchantments"},
    "render.lane.promise": {"fr": "Promesse", "en": "Promise"},
    "render.lane.employee": {"fr": "Vécu collaborateur", "en": "Employee experience"},
    "render.lane.kpis": {"fr": "Indicateurs", "en": "Indicators"},
    "render.moment_of_truth": {"fr": "moment de vérité", "en": "moment of truth"},
    "render.interactions": {"fr": "{n} interactions", "en": "{n} interactions"},
    "render.customers": {"fr": "{n} clients", "en": "{n} customers"},
    "render.never_observed": {"fr": "jamais observé", "en": "never observed"},
    "render.no_touchpoint": {
        "fr": "aucun point de contact prévu",
        "en": "no touchpoint defined",
    },
    "render.to_next": {"fr": "vers « {stage} »", "en": "to “{stage}”"},
    "render.last_stage": {"fr": "dernière étape", "en": "last stage"},
    "render.emotion.measured": {
        "fr": "mesurée (enquêtes, n = {n}) ; de -2 à +2, 0 = neutre (satisfaction 3/5, "
        "recommandation 7/10)",
        "en": "measured (surveys, n = {n}); -2 to +2, 0 = neutral (satisfaction 3/5, "
        "recommendation 7/10)",
    },
    "render.emotion.declared": {
        "fr": "déclarée dans la carte (ateliers)",
        "en": "declared in the map (workshops)",
    },
    "render.emotion.peak_end": {"fr": "pic-fin : {value}", "en": "peak-end: {value}"},
    "render.weight": {"fr": "poids déclaré {n}", "en": "declared weight {n}"},
    "render.weight_volume": {
        "fr": "{n} interactions concernées",
        "en": "{n} interactions involved",
    },
    "render.occurrences": {"fr": "{n} mentions", "en": "{n} mentions"},
    "render.lifecycle.no_transactions": {
        "fr": "Aucune transaction chargée : sans achats, contrats ni commandes, chaque client reste "
        "« Prospect » et les segments RFM sont vides. Chargez un export de commandes ou de contrats "
        "avec un mapping « target: transactions » (client, date, montant ; voir docs/mapping.md) : "
        "parcours ingest contrats.csv --source erp --mapping mappings/contrats.yaml -w .",
        "en": "No transaction loaded: without purchases, contracts or orders every customer stays "
        "a “Prospect” and the RFM segments are empty. Load an orders or contracts export with a "
        "mapping “target: transactions” (customer, date, amount; see docs/mapping.md): "
        "parcours ingest contracts.csv --source erp --mapping mappings/contracts.yaml -w .",
    },
    "render.persona.sure": {
        "fr": "Quelle certitude : le modèle retrouve {recall} des clients typiques qu'on lui a "
        "cachés ; la taille réelle du persona dans la base est estimée à {size} clients.",
        "en": "How sure: the model finds {recall} of the typical customers hidden from it; the "
        "persona's true size in the base is estimated at {size} customers.",
    },
    "render.persona.model": {
        "fr": "Fiche technique du modèle (pour l'analyste)",
        "en": "The model's technical card (for the analyst)",
    },
    "render.occurrence": {"fr": "{n} mention", "en": "{n} mention"},
    "render.weight_share": {"fr": "indice {share}", "en": "index {share}"},
    "render.small_sample": {"fr": "petit échantillon", "en": "small sample"},
    "render.difficulties": {"fr": "Difficultés", "en": "Difficulties"},
    "render.employee_expectations": {"fr": "Attentes", "en": "Expectations"},
    "render.tools": {"fr": "Outils", "en": "Tools"},
    "render.kpi.target": {"fr": "cible {value}", "en": "target {value}"},
    "render.kpi.actual": {"fr": "mesuré {value}", "en": "measured {value}"},
    "render.kpi.not_measured": {"fr": "non mesuré", "en": "not measured"},
    "render.legend": {"fr": "Légende", "en": "Legend"},
    "render.legend.pull": {
        "fr": "entrant (à l'initiative du client)",
        "en": "inbound (customer-initiated)",
    },
    "render.legend.push": {
        "fr": "sortant (à l'initiative de l'entreprise)",
        "en": "outbound (company-initiated)",
    },
    "render.legend.transactional": {"fr": "transactionnel", "en": "transactional"},
    "render.legend.informative": {"fr": "informatif", "en": "informative"},
    "render.legend.volume": {
        "fr": "barre : volume relatif à l'étape",
        "en": "bar: volume relative to the stage",
    },
    "render.legend.rupture": {"fr": "rupture (lien cassé)", "en": "rupture (broken link)"},
    "render.legend.mot": {"fr": "moment de vérité", "en": "moment of truth"},
    "render.legend.emotion": {
        "fr": "émotion de −2 (très négative) à +2 (très positive)",
        "en": "emotion from −2 (very negative) to +2 (very positive)",
    },
    "render.compare.title": {"fr": "Actuel et cible", "en": "Current and target"},
    "render.compare.as_is": {"fr": "actuel", "en": "current"},
    "render.compare.to_be": {"fr": "cible", "en": "target"},
    "render.compare.target_promise": {"fr": "Cible : {text}", "en": "Target: {text}"},
    "render.compare.changed": {"fr": "modifiée", "en": "changed"},
    "render.compare.new_stage": {
        "fr": "Nouvelle étape dans la cible : « {stage} »",
        "en": "New stage in the target: “{stage}”",
    },
    "render.compare.dropped_stage": {
        "fr": "Étape supprimée dans la cible : « {stage} »",
        "en": "Stage dropped in the target: “{stage}”",
    },
    "render.compare.differences": {"fr": "Différences", "en": "Differences"},
    "render.compare.emotion_gain": {
        "fr": "« {stage} » : émotion {before} → {after}",
        "en": "“{stage}”: emotion {before} → {after}",
    },
    "render.compare.promise_change": {
        "fr": "« {stage} » : promesse « {before} » → « {after} »",
        "en": "“{stage}”: promise “{before}” → “{after}”",
    },
    "render.compare.none": {"fr": "aucune différence", "en": "no difference"},
    "render.compare.new_touchpoint": {
        "fr": "Point de contact ajouté : {touchpoint}",
        "en": "Touchpoint added: {touchpoint}",
    },
    "render.compare.dropped_touchpoint": {
        "fr": "Point de contact retiré : {touchpoint}",
        "en": "Touchpoint removed: {touchpoint}",
    },
    "render.compare.moved_touchpoint": {
        "fr": "Point de contact {touchpoint} : canal {before} → {after}",
        "en": "Touchpoint {touchpoint}: channel {before} → {after}",
    },
    "render.compare.resolved_irritant": {
        "fr": "Irritant résolu : « {label} »",
        "en": "Irritant resolved: “{label}”",
    },
    "render.compare.new_irritant": {
        "fr": "Irritant encore attendu dans la cible : « {label} »",
        "en": "Irritant still expected in the target: “{label}”",
    },
    "render.compare.fixed_rupture": {
        "fr": "Rupture corrigée : « {label} »",
        "en": "Rupture fixed: “{label}”",
    },
    "render.compare.new_channel": {
        "fr": "Canal ajouté : {channel}",
        "en": "Channel added: {channel}",
    },
    "render.compare.dropped_channel": {
        "fr": "Canal retiré : {channel}",
        "en": "Channel removed: {channel}",
    },
    "render.compare.kpi_target": {
        "fr": "Objectif « {kpi} » : {before} → {after}",
        "en": "Target “{kpi}”: {before} → {after}",
    },
    "render.data.title": {"fr": "Les chiffres de la carte", "en": "The numbers of the map"},
    "render.col.stage": {"fr": "étape", "en": "stage"},
    "render.col.phase": {"fr": "phase", "en": "phase"},
    "render.col.interactions": {"fr": "interactions", "en": "interactions"},
    "render.col.customers": {"fr": "clients", "en": "customers"},
    "render.col.conversion": {"fr": "passage à l'étape suivante", "en": "on to the next stage"},
    "render.col.emotion": {"fr": "émotion", "en": "emotion"},
    "render.col.touchpoint": {"fr": "point de contact", "en": "touchpoint"},
    "render.col.channel": {"fr": "canal", "en": "channel"},
    "render.col.direction": {"fr": "sens", "en": "direction"},
    "render.col.nature": {"fr": "nature", "en": "nature"},
    "render.col.satisfaction": {"fr": "satisfaction", "en": "satisfaction"},
    "render.chromium_missing": {
        "fr": "Chromium est nécessaire pour écrire {kind} : attendu un programme chromium "
        "(ou chromium-browser, google-chrome) dans le PATH ou dans $PARCOURS_CHROMIUM, trouvé "
        "aucun. Installez-le (apt-get install chromium) ou écrivez la carte en .html ou .svg.",
        "en": "Chromium is needed to write {kind}: expected a chromium program (or "
        "chromium-browser, google-chrome) on the PATH or in $PARCOURS_CHROMIUM, found none. "
        "Install it (apt-get install chromium) or write the map as .html or .svg.",
    },
    "render.map.written": {"fr": "Carte : {path}", "en": "Map: {path}"},
    "render.report.sections": {"fr": "Analyses", "en": "Analyses"},
    "render.report.map": {"fr": "La carte du parcours", "en": "The journey map"},
    "render.report.no_sections": {
        "fr": "Aucune autre analyse n'est disponible pour ce parcours.",
        "en": "No other analysis is available for this journey.",
    },
    "render.report.nps.title": {"fr": "NPS par étape", "en": "NPS by stage"},
    "render.report.nps.reading": {
        "fr": "Le NPS est le plus haut à l'étape « {best} » ({best_value}) et le plus bas à "
        "« {worst} » ({worst_value}) ; les traits donnent l'intervalle de confiance à 95 %.",
        "en": "NPS is highest at “{best}” ({best_value}) and lowest at “{worst}” "
        "({worst_value}); the whiskers give the 95% confidence interval.",
    },
    "render.report.contents": {"fr": "Sommaire", "en": "Contents"},
    "render.report.map_reading": {
        "fr": "Les étapes en colonnes, dans les mots du client ; en lignes, ce qu'il fait, ce "
        "qu'il attend, les canaux utilisés avec leurs volumes, le passage à l'étape suivante, "
        "les émotions, les irritants et les enchantements.",
        "en": "Stages as columns, in the customer's words; as rows, what they do, what they "
        "expect, the channels used with their volumes, the move to the next stage, emotions, "
        "irritants and enchantments.",
    },
    "render.report.download": {"fr": "Les chiffres (CSV) :", "en": "The numbers (CSV):"},
    "render.personas.title": {"fr": "Les personas côte à côte", "en": "The personas side by side"},
    # themes of verbatims (parcours.voc.THEMES)
    "render.theme.delays": {"fr": "Délais", "en": "Delays"},
    "render.theme.reachability": {"fr": "Joignabilité", "en": "Reachability"},
    "render.theme.price": {"fr": "Prix", "en": "Price"},
    "render.theme.clarity": {"fr": "Clarté", "en": "Clarity"},
    "render.theme.empathy": {"fr": "Écoute", "en": "Empathy"},
    "render.theme.digital": {"fr": "Outils numériques", "en": "Digital tools"},
    "render.theme.reimbursement": {"fr": "Remboursement", "en": "Reimbursement"},
    "render.theme.other": {"fr": "Autres sujets", "en": "Other topics"},
}

register(MESSAGES)  # type: ignore[arg-type]  # literal dicts of fr/en texts
