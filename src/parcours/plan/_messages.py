"""Every word the plan package writes, in French and English."""

from __future__ import annotations

from parcours.i18n import Lang, register

MESSAGES: dict[str, dict[Lang, str]] = {
    # classes
    "plan.class.quick_win": {"fr": "Gain rapide", "en": "Quick win"},
    "plan.class.must_have": {"fr": "Indispensable", "en": "Must have"},
    "plan.class.nice_to_have": {"fr": "Souhaitable", "en": "Nice to have"},
    "plan.class.time_sink": {"fr": "Gouffre", "en": "Time sink"},
    "plan.status.proposed": {"fr": "proposée", "en": "proposed"},
    "plan.status.to_study": {"fr": "à étudier", "en": "to study"},
    "plan.status.approved": {"fr": "approuvée", "en": "approved"},
    "plan.status.rejected": {"fr": "rejetée", "en": "rejected"},
    "plan.status.in_progress": {"fr": "en cours", "en": "in progress"},
    "plan.status.done": {"fr": "réalisée", "en": "done"},
    "plan.moscow.warning": {
        "fr": "Les « Must have » prennent {share} de l'effort : la règle DSDM en demande au plus "
        "{limit}, pour garder une marge.",
        "en": "Must haves take {share} of the effort: DSDM's rule asks for at most {limit}, "
        "to keep a contingency.",
    },
    # criteria
    "plan.criterion.customer_expectations": {
        "fr": "Attentes clients",
        "en": "Customer expectations",
    },
    "plan.criterion.business_development": {
        "fr": "Développement commercial",
        "en": "Business development",
    },
    "plan.criterion.technical_feasibility": {
        "fr": "Faisabilité technique",
        "en": "Technical feasibility",
    },
    "plan.criterion.internal_expectations": {
        "fr": "Attentes internes",
        "en": "Internal expectations",
    },
    "plan.criterion.resources": {"fr": "Ressources", "en": "Resources"},
    "plan.criterion.votes": {"fr": "Votes (gommettes)", "en": "Dot votes"},
    # CLI and tables
    "plan.import.done": {
        "fr": "{file} : {added} idée(s) ajoutée(s), {updated} mise(s) à jour → {target}",
        "en": "{file}: {added} idea(s) added, {updated} updated → {target}",
    },
    "plan.score.title": {"fr": "Idées classées", "en": "Ranked ideas"},
    "plan.score.written": {"fr": "Scores écrits dans {path}", "en": "Scores written to {path}"},
    "plan.score.sensitive": {
        "fr": "Sensibles aux pondérations (±20 %) : {ideas}",
        "en": "Sensitive to the weights (±20%): {ideas}",
    },
    "plan.score.robust": {
        "fr": "Aucune classe ne change quand une pondération bouge de ±20 %.",
        "en": "No class changes when a weight moves by ±20%.",
    },
    "plan.col.idea": {"fr": "Idée", "en": "Idea"},
    "plan.col.gain": {"fr": "Gain", "en": "Gain"},
    "plan.col.effort": {"fr": "Effort", "en": "Effort"},
    "plan.col.class": {"fr": "Classe", "en": "Class"},
    "plan.col.evidence": {"fr": "Gain mesuré", "en": "Measured gain"},
    "plan.col.team": {"fr": "Équipe", "en": "Team"},
    "plan.col.start": {"fr": "Début", "en": "Start"},
    "plan.col.end": {"fr": "Fin", "en": "End"},
    "plan.col.reason": {"fr": "Motif", "en": "Reason"},
    "plan.col.kpi": {"fr": "Indicateur", "en": "Indicator"},
    "plan.col.baseline": {"fr": "Référence", "en": "Baseline"},
    "plan.col.latest": {"fr": "Dernière valeur", "en": "Latest value"},
    "plan.col.target": {"fr": "Cible", "en": "Target"},
    "plan.col.deadline": {"fr": "Échéance", "en": "Deadline"},
    "plan.col.status": {"fr": "Statut", "en": "Status"},
    "plan.source.manual": {"fr": "saisi", "en": "manual"},
    "plan.source.criteria": {"fr": "critères", "en": "criteria"},
    "plan.source.evidence": {"fr": "données", "en": "data"},
    "plan.source.days": {"fr": "jours-homme", "en": "person-days"},
    "plan.source.none": {"fr": "inconnu", "en": "unknown"},
    # road map
    "plan.roadmap.solver": {
        "fr": "Plan calculé par {solver} ({status}) : {scheduled} idée(s) planifiée(s), "
        "{unscheduled} hors plan.",
        "en": "Plan made by {solver} ({status}): {scheduled} idea(s) scheduled, "
        "{unscheduled} left out.",
    },
    "plan.roadmap.written": {
        "fr": "Feuille de route écrite dans {path}",
        "en": "Road map written to {path}",
    },
    "plan.roadmap.unscheduled": {"fr": "Idées hors plan", "en": "Ideas left out"},
    "plan.solver.cp-sat": {"fr": "le solveur exact CP-SAT", "en": "the exact CP-SAT solver"},
    "plan.solver.greedy": {"fr": "l'heuristique gloutonne", "en": "the greedy heuristic"},
    "plan.solver.optimal": {"fr": "optimal", "en": "optimal"},
    "plan.solver.feasible": {
        "fr": "réalisable, limite de temps atteinte",
        "en": "feasible, time limit reached",
    },
    "plan.solver.fallback": {
        "fr": "le solveur exact n'a rien trouvé dans le temps imparti",
        "en": "the exact solver found nothing in its time limit",
    },
    "plan.solver.unavailable": {
        "fr": "OR-Tools n'est pas installé",
        "en": "OR-Tools is not installed",
    },
    "plan.solver.requested": {"fr": "à la demande", "en": "as requested"},
    "plan.solver.empty": {"fr": "rien à planifier", "en": "nothing to schedule"},
    "plan.reason.no_team": {"fr": "aucune équipe", "en": "no team"},
    "plan.reason.no_effort": {
        "fr": "aucun effort en jours-homme",
        "en": "no effort in person-days",
    },
    "plan.reason.too_big": {
        "fr": "{days} jours-homme : plus que la capacité de l'équipe {team} sur {periods} périodes",
        "en": "{days} person-days: more than team {team}'s capacity over {periods} periods",
    },
    "plan.reason.horizon": {
        "fr": "ne tient pas dans l'horizon de {periods} périodes à la capacité de l'équipe",
        "en": "does not fit within the horizon of {periods} periods at the team's capacity",
    },
    "plan.reason.dependency": {
        "fr": "dépend de {ideas}, hors plan",
        "en": "depends on {ideas}, which are not scheduled",
    },
    "plan.reason.group": {
        "fr": "son groupe {group} ne peut pas être livré ensemble",
        "en": "its group {group} cannot ship together",
    },
    "plan.reason.status": {"fr": "statut {status}", "en": "status {status}"},
    "plan.gantt.title": {"fr": "Feuille de route", "en": "Road map"},
    "plan.gantt.desc": {
        "fr": "{n} idée(s) de {start} à {end}, par équipe.",
        "en": "{n} idea(s) from {start} to {end}, by team.",
    },
    "plan.gantt.depends": {"fr": "après {ideas}", "en": "after {ideas}"},
    "plan.matrix.title": {"fr": "Gain × effort", "en": "Gain × effort"},
    "plan.matrix.desc": {
        "fr": "{n} idée(s) placée(s) selon leur gain (vertical) et leur effort (horizontal).",
        "en": "{n} idea(s) placed by gain (vertical) and effort (horizontal).",
    },
    # KPIs
    "plan.kpi.on_track": {"fr": "en bonne voie", "en": "on track"},
    "plan.kpi.late": {"fr": "en retard", "en": "late"},
    "plan.kpi.reached": {"fr": "atteint", "en": "reached"},
    "plan.kpi.no_data": {"fr": "pas de données", "en": "no data"},
    "plan.kpi.metric.nps": {"fr": "NPS", "en": "NPS"},
    "plan.kpi.metric.csat": {"fr": "CSAT", "en": "CSAT"},
    "plan.kpi.metric.ces": {"fr": "CES (effort)", "en": "CES (effort)"},
    "plan.kpi.metric.conversion": {"fr": "Passage", "en": "Conversion"},
    "plan.kpi.metric.churn": {"fr": "Taux d'attrition", "en": "Churn rate"},
    "plan.kpi.metric.complaints": {"fr": "Réclamations", "en": "Complaints"},
    "plan.kpi.title": {"fr": "Suivi des indicateurs", "en": "KPI follow-up"},
    "plan.kpi.none": {
        "fr": "Aucune idée n'a d'indicateur à suivre.",
        "en": "No idea has an indicator to follow.",
    },
    # workshops
    "plan.cafe.none": {
        "fr": "Rotation sans rencontre répétée : personne ne revoit la même personne.",
        "en": "Rotation with no repeated encounter: nobody meets the same person twice.",
    },
    "plan.cafe.repeats": {
        "fr": "{repeats} rencontre(s) répétée(s) (minimum possible : au moins {bound}).",
        "en": "{repeats} repeated encounter(s) (the least possible is at least {bound}).",
    },
    "plan.cafe.written": {"fr": "Rotation écrite dans {path}", "en": "Rotation written to {path}"},
    "plan.cafe.round": {"fr": "Tour", "en": "Round"},
    "plan.cafe.table": {"fr": "Table", "en": "Table"},
    "plan.cafe.host": {"fr": "Hôte", "en": "Host"},
    "plan.cafe.guests": {"fr": "Participants", "en": "Guests"},
    "plan.cafe.question": {"fr": "Question du tour", "en": "Question of the round"},
    "plan.cafe.sheets": {
        "fr": "World café : feuilles des tables et des participants",
        "en": "World café: table and participant sheets",
    },
    "plan.creative.group": {
        "fr": "Atelier {number} : {people}",
        "en": "Workshop {number}: {people}",
    },
    "plan.creative.step.warmup": {"fr": "Brise-glace", "en": "Warm-up"},
    "plan.creative.step.problem": {
        "fr": "Le problème vu du client : chiffres et verbatims",
        "en": "The problem from the customer's side: numbers and verbatims",
    },
    "plan.creative.step.diverge": {
        "fr": "Idées en silence puis à voix haute (quantité d'abord)",
        "en": "Ideas in silence, then aloud (quantity first)",
    },
    "plan.creative.step.cluster": {"fr": "Regroupement des idées", "en": "Clustering the ideas"},
    "plan.creative.step.vote": {"fr": "Vote par gommettes", "en": "Dot vote"},
    "plan.creative.step.converge": {
        "fr": "Fiches des idées retenues",
        "en": "Sheets of the ideas kept",
    },
    # fiche chantier
    "plan.sheet.title": {"fr": "Fiche chantier", "en": "Workstream sheet"},
    "plan.sheet.problem": {"fr": "Le problème", "en": "The problem"},
    "plan.sheet.target": {"fr": "L'expérience visée", "en": "The target experience"},
    "plan.sheet.solution": {"fr": "La solution", "en": "The solution"},
    "plan.sheet.owner": {"fr": "Responsable", "en": "Owner"},
    "plan.sheet.team": {"fr": "Équipe", "en": "Team"},
    "plan.sheet.effort": {"fr": "Effort", "en": "Effort"},
    "plan.sheet.effort_days": {"fr": "{days} jours-homme", "en": "{days} person-days"},
    "plan.sheet.gain": {"fr": "Gain et preuves", "en": "Gain and evidence"},
    "plan.sheet.kpis": {"fr": "Indicateurs", "en": "Indicators"},
    "plan.sheet.dependencies": {"fr": "Dépendances", "en": "Dependencies"},
    "plan.sheet.period": {"fr": "Période prévue", "en": "Planned period"},
    "plan.sheet.risks": {"fr": "Risques", "en": "Risks"},
    "plan.sheet.none": {"fr": "aucune", "en": "none"},
    "plan.sheet.unplanned": {"fr": "non planifiée", "en": "not scheduled"},
    "plan.sheet.customers": {
        "fr": "{customers} clients et {interactions} interactions aux étapes et points de contact visés",
        "en": "{customers} customers and {interactions} interactions at the stages and touchpoints addressed",
    },
    "plan.sheet.irritants": {
        "fr": "{share} des irritants pondérés (volume × récence)",
        "en": "{share} of the weighted irritants (volume × recency)",
    },
    "plan.sheet.value": {
        "fr": "{value} € en jeu : {lost} clients perdus à l'étape « {stage} »",
        "en": "€{value} at stake: {lost} customers lost at stage “{stage}”",
    },
    "plan.sheet.kano": {"fr": "Kano : {verdict}", "en": "Kano: {verdict}"},
    "plan.sheet.written": {
        "fr": "{n} fiche(s) chantier écrite(s) dans {path}",
        "en": "{n} workstream sheet(s) written to {path}",
    },
    "plan.sheet.print": {"fr": "Imprimer", "en": "Print"},
    "plan.kano.M": {"fr": "obligatoire (attendu)", "en": "must-be (expected)"},
    "plan.kano.O": {"fr": "proportionnel (performance)", "en": "one-dimensional (performance)"},
    "plan.kano.A": {"fr": "attractif (enchantement)", "en": "attractive (delighter)"},
    "plan.kano.I": {"fr": "indifférent", "en": "indifferent"},
    "plan.kano.R": {"fr": "rejeté (inverse)", "en": "reverse"},
    "plan.kano.Q": {"fr": "douteux", "en": "questionable"},
}

register(MESSAGES)
