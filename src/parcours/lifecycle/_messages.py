"""Every word the lifecycle package writes, in French and English."""

from __future__ import annotations

from parcours.i18n import Lang, register

MESSAGES: dict[str, dict[Lang, str]] = {
    # the CLV model a workspace calls for
    "lifecycle.clv.why_sbg": {
        "fr": "modèle contractuel sBG (Fader & Hardie 2007) : l'espace de travail enregistre les "
        "résiliations, les départs sont observés",
        "en": "contractual sBG model (Fader & Hardie 2007): the workspace records cancellations, "
        "so departures are observed",
    },
    "lifecycle.clv.why_mbgnbd": {
        "fr": "modèle non contractuel BG/NBD modifié : aucune résiliation enregistrée, les départs "
        "ne sont pas observés",
        "en": "non-contractual modified BG/NBD model: no cancellation recorded, departures are "
        "not observed",
    },
    # RFM segments
    "lifecycle.segment.champions": {"fr": "Champions", "en": "Champions"},
    "lifecycle.segment.loyal": {"fr": "Fidèles", "en": "Loyal"},
    "lifecycle.segment.potential_loyalists": {
        "fr": "Fidèles en devenir",
        "en": "Potential loyalists",
    },
    "lifecycle.segment.new": {"fr": "Nouveaux", "en": "New"},
    "lifecycle.segment.promising": {"fr": "Prometteurs", "en": "Promising"},
    "lifecycle.segment.need_attention": {"fr": "À surveiller", "en": "Need attention"},
    "lifecycle.segment.about_to_sleep": {"fr": "En train de s'endormir", "en": "About to sleep"},
    "lifecycle.segment.at_risk": {"fr": "À risque", "en": "At risk"},
    "lifecycle.segment.cant_lose_them": {"fr": "À ne pas perdre", "en": "Can't lose them"},
    "lifecycle.segment.hibernating": {"fr": "En hibernation", "en": "Hibernating"},
    # lifecycle states
    "lifecycle.state.unknown": {"fr": "Pas encore connu", "en": "Not yet known"},
    "lifecycle.state.prospect": {"fr": "Prospect", "en": "Prospect"},
    "lifecycle.state.new": {"fr": "Nouveau client", "en": "New"},
    "lifecycle.state.active": {"fr": "Actif", "en": "Active"},
    "lifecycle.state.at_risk": {"fr": "À risque", "en": "At risk"},
    "lifecycle.state.inactive": {"fr": "Inactif", "en": "Inactive"},
    "lifecycle.state.lost": {"fr": "Perdu", "en": "Lost"},
    "lifecycle.state.reactivated": {"fr": "Réactivé", "en": "Reactivated"},
    # definitions printed beside the numbers
    "lifecycle.churn.definition": {
        "fr": "Taux d'attrition = clients perdus pendant la période ({rule}) / clients "
        "(nouveaux, actifs, à risque, inactifs ou réactivés) au début de la période.",
        "en": "Churn rate = customers lost during the period ({rule}) / customers (new, active, "
        "at risk, inactive or reactivated) at the start of the period.",
    },
    "lifecycle.churn.rule_contract": {
        "fr": "résiliation ; une longue inactivité ne fait pas perdre un adhérent",
        "en": "cancellation; a long silence does not make a member lost",
    },
    "lifecycle.churn.rule_silence": {
        "fr": "résiliation, ou plus de {lost} sans activité",
        "en": "cancellation, or more than {lost} without activity",
    },
    "lifecycle.thresholds.fixed": {
        "fr": "Seuils fixes : nouveau {new} après le premier achat ; actif jusqu'à {active} sans "
        "activité, à risque jusqu'à {at_risk}, inactif jusqu'à {inactive}, perdu au-delà ou "
        "après une résiliation.",
        "en": "Fixed thresholds: new for {new} after the first purchase; active up to {active} "
        "without activity, at risk up to {at_risk}, inactive up to {inactive}, lost beyond or "
        "after a cancellation.",
    },
    "lifecycle.thresholds.fixed_contract": {
        "fr": "Seuils fixes : nouveau {new} après le premier achat ; actif jusqu'à {active} sans "
        "activité, à risque jusqu'à {at_risk}, inactif au-delà ; perdu seulement après une "
        "résiliation.",
        "en": "Fixed thresholds: new for {new} after the first purchase; active up to {active} "
        "without activity, at risk up to {at_risk}, inactive beyond; lost only after a "
        "cancellation.",
    },
    "lifecycle.thresholds.relative": {
        "fr": "Seuils relatifs au rythme de chaque client : actif jusqu'à {active} fois son écart "
        "médian entre deux activités, à risque jusqu'à {at_risk} fois, inactif jusqu'à "
        "{inactive} fois (seuils fixes pour les clients à une seule activité).",
        "en": "Thresholds relative to each customer's rhythm: active up to {active} times their "
        "median gap between two activities, at risk up to {at_risk} times, inactive up to "
        "{inactive} times (fixed thresholds for customers with a single activity).",
    },
    "lifecycle.days": {"fr": "{n} jours", "en": "{n} days"},
    "lifecycle.quirk": {
        "fr": "Attention : le modèle BG/NBD donne une probabilité d'être actif de 1 à tout client "
        "sans achat répété ({n} clients ici). Préférez le BG/NBD modifié (--model mbgnbd) ou le "
        "Pareto/NBD (--model pareto) pour ces clients.",
        "en": "Beware: the BG/NBD model gives P(alive) = 1 to every customer with no repeat "
        "purchase ({n} customers here). Prefer the modified BG/NBD (--model mbgnbd) or "
        "Pareto/NBD (--model pareto) for them.",
    },
    # reasons a customer is a reactivation target
    "lifecycle.reason.lost": {
        "fr": "perdu depuis {days} jours",
        "en": "lost for {days} days",
    },
    "lifecycle.reason.cancelled": {"fr": "a résilié le {date}", "en": "cancelled on {date}"},
    "lifecycle.reason.at_risk": {
        "fr": "à risque : {days} jours sans activité",
        "en": "at risk: {days} days without activity",
    },
    "lifecycle.reason.inactive": {
        "fr": "inactif : {days} jours sans activité",
        "en": "inactive: {days} days without activity",
    },
    "lifecycle.reason.value": {
        "fr": "valeur passée {value} (top {share} des clients)",
        "en": "past value {value} (top {share} of customers)",
    },
    "lifecycle.reason.irritant": {
        "fr": "dernier irritant : {stage} ({score}/10, {date})",
        "en": "last irritant: {stage} ({score}/10, {date})",
    },
    "lifecycle.reason.complaint": {
        "fr": "dernière réclamation le {date}",
        "en": "last complaint on {date}",
    },
    # CLI and report
    "lifecycle.title.states": {"fr": "États du cycle de vie", "en": "Lifecycle states"},
    "lifecycle.title.flows": {
        "fr": "Flux du cycle de vie entre le {start} et le {end}",
        "en": "Lifecycle flows from {start} to {end}",
    },
    "lifecycle.title.churn": {"fr": "Taux d'attrition par période", "en": "Churn rate per period"},
    "lifecycle.title.rfm": {"fr": "Segments RFM", "en": "RFM segments"},
    "lifecycle.title.clv": {
        "fr": "Valeur client (CLV) sur {months} mois",
        "en": "Customer lifetime value (CLV) over {months} months",
    },
    "lifecycle.title.reactivation": {"fr": "Cibles de réactivation", "en": "Reactivation targets"},
    "lifecycle.reading.flows": {
        "fr": "Chaque ligne est l'état au {start}, chaque colonne l'état au {end} : {kept} des "
        "clients (hors prospects) du {start} sont restés dans le même état. Le graphique de flux "
        "omet les prospects restés prospects.",
        "en": "Each row is the state on {start}, each column the state on {end}: {kept} of the "
        "customers (prospects aside) on {start} stayed in the same state. The flow chart leaves "
        "out prospects who stayed prospects.",
    },
    "lifecycle.reading.rfm": {
        "fr": "{top} concentrent {share} du chiffre d'affaires avec {customers} des clients.",
        "en": "{top} bring {share} of revenue with {customers} of customers.",
    },
    "lifecycle.reading.churn": {
        "fr": "Taux d'attrition moyen {rate} par {period}. {definition}",
        "en": "Mean churn rate {rate} per {period}. {definition}",
    },
    "lifecycle.no_data": {
        "fr": "pas de données : aucune transaction ni activité client dans l'entrepôt",
        "en": "no data: no transaction or customer activity in the warehouse",
    },
    "lifecycle.period.M": {"fr": "mois", "en": "month"},
    "lifecycle.period.Q": {"fr": "trimestre", "en": "quarter"},
    "lifecycle.period.Y": {"fr": "an", "en": "year"},
    "lifecycle.col.state": {"fr": "État", "en": "State"},
    "lifecycle.col.customers": {"fr": "Clients", "en": "Customers"},
    "lifecycle.col.share": {"fr": "Part", "en": "Share"},
    "lifecycle.col.segment": {"fr": "Segment", "en": "Segment"},
    "lifecycle.col.revenue": {"fr": "Chiffre d'affaires", "en": "Revenue"},
    "lifecycle.col.revenue_share": {"fr": "Part du CA", "en": "Revenue share"},
    "lifecycle.col.period": {"fr": "Période", "en": "Period"},
    "lifecycle.col.at_start": {"fr": "Clients au début", "en": "Customers at start"},
    "lifecycle.col.lost": {"fr": "Perdus", "en": "Lost"},
    "lifecycle.col.rate": {"fr": "Taux", "en": "Rate"},
    "lifecycle.col.reason": {"fr": "Raison", "en": "Reason"},
    "lifecycle.col.param": {"fr": "Paramètre", "en": "Parameter"},
    "lifecycle.col.value": {"fr": "Valeur", "en": "Value"},
    "lifecycle.from_to": {"fr": "de \\ vers", "en": "from \\ to"},
    "lifecycle.written": {
        "fr": "{n} cibles écrites dans {path}",
        "en": "{n} targets written to {path}",
    },
    "lifecycle.control": {
        "fr": "dont {n} gardées en groupe témoin (non contactées)",
        "en": "of which {n} kept as an untargeted control group",
    },
    "lifecycle.clv.summary": {
        "fr": "{n} clients, CLV totale {total}, moyenne {mean} (taux d'actualisation {rate} par "
        "mois)",
        "en": "{n} customers, total CLV {total}, mean {mean} (discount rate {rate} a month)",
    },
    "lifecycle.clv.written": {
        "fr": "{n} lignes écrites dans {path}",
        "en": "{n} rows written to {path}",
    },
    "lifecycle.clv.model": {"fr": "Modèle : {model} ({why})", "en": "Model: {model} ({why})"},
    "lifecycle.clv.why_option": {"fr": "choisi avec --model", "en": "chosen with --model"},
    "lifecycle.title.clv_sbg": {
        "fr": "Valeur client résiduelle (CLV) des abonnés actifs au {at}",
        "en": "Residual customer lifetime value (CLV) of active subscribers on {at}",
    },
    "lifecycle.clv.sbg_summary": {
        "fr": "{n} abonnés actifs sur {customers} ({churned} résiliations), CLV résiduelle "
        "totale {total}, moyenne {mean} (marge par mois × durée de vie résiduelle actualisée, "
        "taux d'actualisation {rate} par mois)",
        "en": "{n} active subscribers of {customers} ({churned} cancellations), total residual "
        "CLV {total}, mean {mean} (margin a month × discounted expected residual lifetime, "
        "discount rate {rate} a month)",
    },
    "lifecycle.clv.unusable": {
        "fr": "le modèle {model} est inutilisable sur ces données (ajustement dégénéré) : "
        "{what}. Essayez --model auto, sbg ou pareto",
        "en": "the {model} model is unusable on these data (degenerate fit): {what}. "
        "Try --model auto, sbg or pareto",
    },
    "lifecycle.clv.what_params": {
        "fr": "les paramètres {names} ne sont pas des nombres finis",
        "en": "the parameters {names} are not finite numbers",
    },
    "lifecycle.clv.what_values": {
        "fr": "la CLV de {n} clients n'est pas un nombre fini",
        "en": "the CLV of {n} customers is not a finite number",
    },
    "lifecycle.reactivation.rate": {
        "fr": "Réactivation : {rate} des ciblés sont revenus ({low} à {high}, IC 95 %), "
        "contre {control} dans le groupe témoin",
        "en": "Reactivation: {rate} of targeted came back ({low} to {high}, 95% CI), "
        "against {control} in the control group",
    },
}

register(MESSAGES)
