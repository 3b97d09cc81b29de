"""Every word the web pages show, in French and English."""

from __future__ import annotations

from parcours.i18n import register

register(
    {
        "web.skip": {"fr": "Aller au contenu", "en": "Skip to content"},
        "web.nav": {"fr": "Navigation principale", "en": "Main navigation"},
        "web.nav.home": {"fr": "Accueil", "en": "Home"},
        "web.nav.map": {"fr": "Carte du parcours", "en": "Journey map"},
        "web.nav.analyses": {"fr": "Analyses", "en": "Analyses"},
        "web.nav.ingest": {"fr": "Chargements", "en": "Loads"},
        "web.nav.workshop": {"fr": "Atelier", "en": "Workshop"},
        "web.switch_lang": {"fr": "English", "en": "Français"},
        "web.logout": {"fr": "Se déconnecter", "en": "Sign out"},
        "web.footer": {
            "fr": "parcours · tout est servi par ce serveur, rien n'est demandé ailleurs.",
            "en": "parcours · everything comes from this server, nothing is asked elsewhere.",
        },
        "web.back_home": {"fr": "Retour à l'accueil", "en": "Back to the home page"},
        "web.back_map": {"fr": "Retour à la carte", "en": "Back to the map"},
        "web.role.admin": {"fr": "administrateur", "en": "administrator"},
        "web.role.analyst": {"fr": "analyste", "en": "analyst"},
        "web.role.viewer": {"fr": "lecteur", "en": "viewer"},
        "web.role.participant": {"fr": "participant", "en": "participant"},
        "web.role.any": {"fr": "tout compte", "en": "any account"},
        "web.role.csrf": {"fr": "jeton de formulaire", "en": "form token"},
        # filters
        "web.filters": {"fr": "Filtres", "en": "Filters"},
        "web.filter.start": {"fr": "Du", "en": "From"},
        "web.filter.end": {"fr": "Au", "en": "To"},
        "web.filter.persona": {"fr": "Persona", "en": "Persona"},
        "web.filter.channel": {"fr": "Canal", "en": "Channel"},
        "web.filter.view": {"fr": "Carte", "en": "Map"},
        "web.filter.all": {"fr": "Tous", "en": "All"},
        "web.filter.apply": {"fr": "Appliquer", "en": "Apply"},
        "web.view.asis": {"fr": "Actuel (as-is)", "en": "As-is"},
        "web.view.tobe": {"fr": "Cible (to-be)", "en": "To-be"},
        "web.view.side": {"fr": "Côte à côte", "en": "Side by side"},
        # login
        "web.login.title": {"fr": "Connexion", "en": "Sign in"},
        "web.login.name": {"fr": "Identifiant", "en": "User name"},
        "web.login.password": {"fr": "Mot de passe", "en": "Password"},
        "web.login.submit": {"fr": "Se connecter", "en": "Sign in"},
        "web.login.refused": {
            "fr": "Identifiant ou mot de passe incorrect.",
            "en": "Wrong user name or password.",
        },
        "web.login.throttled": {
            "fr": "Trop d'essais : réessayez dans {seconds} s.",
            "en": "Too many attempts: try again in {seconds} s.",
        },
        "web.login.origin": {
            "fr": "Ce formulaire doit venir d'une page de ce serveur.",
            "en": "This form must come from a page of this server.",
        },
        "web.login.participant": {
            "fr": "Participant à un atelier ?",
            "en": "Taking part in a workshop?",
        },
        "web.login.join": {"fr": "Rejoindre avec un code", "en": "Join with a code"},
        "web.refused.title": {"fr": "Accès refusé", "en": "Access refused"},
        "web.refused.role": {
            "fr": "Votre rôle ({role}) ne donne pas accès à cette page : il faut le rôle {needed}.",
            "en": "Your role ({role}) does not open this page: it needs the role {needed}.",
        },
        "web.refused.csrf": {
            "fr": "Ce formulaire a expiré ou ne vient pas de ce serveur : rechargez la page.",
            "en": "This form expired or does not come from this server: reload the page.",
        },
        # home
        "web.home.promise": {"fr": "La promesse", "en": "The promise"},
        "web.home.kpis": {"fr": "Indicateurs clés", "en": "Headline KPIs"},
        "web.home.no_kpis": {
            "fr": "Pas encore assez de données pour un indicateur.",
            "en": "Not enough data yet for an indicator.",
        },
        "web.home.alerts": {"fr": "Alertes", "en": "Alerts"},
        "web.home.no_alert": {"fr": "Aucune alerte.", "en": "No alert."},
        "web.home.maps": {"fr": "Cartes du parcours", "en": "Journey maps"},
        "web.home.loads": {"fr": "Derniers chargements", "en": "Latest loads"},
        "web.home.quarantine": {
            "fr": "{n} lignes en quarantaine au total.",
            "en": "{n} rows in quarantine in all.",
        },
        "web.kpi.nps": {"fr": "NPS", "en": "NPS"},
        "web.kpi.nps.def": {
            "fr": "NPS : part des promoteurs (9-10) moins part des détracteurs (0-6), de -100 à +100.",
            "en": "NPS: share of promoters (9-10) minus share of detractors (0-6), -100 to +100.",
        },
        "web.kpi.volume": {"fr": "Interactions du mois", "en": "Interactions in the month"},
        "web.kpi.volume.def": {
            "fr": "Nombre de points de contact observés sur le mois complet le plus récent.",
            "en": "Touchpoints observed in the latest complete month.",
        },
        "web.interval": {"fr": "IC 95 % [{low} ; {high}]", "en": "95% CI [{low}, {high}]"},
        "web.small_sample": {
            "fr": "Petit échantillon : à lire avec prudence.",
            "en": "Small sample: read with care.",
        },
        "web.trend.points": {
            "fr": "{change} points vs période précédente",
            "en": "{change} points vs previous period",
        },
        "web.trend.relative": {
            "fr": "{change} vs mois précédent",
            "en": "{change} vs previous month",
        },
        "web.alert.loss": {
            "fr": "{lost} clients perdus entre « {stage} » et « {next} » ({share} d'abandon).",
            "en": "{lost} customers lost between “{stage}” and “{next}” ({share} drop-off).",
        },
        "web.alert.quarantine": {
            "fr": "{n} lignes en quarantaine attendent une correction.",
            "en": "{n} rows in quarantine wait for a fix.",
        },
        "web.alert.kpi_down": {
            "fr": "Le NPS du dernier mois est sous l'intervalle du mois précédent.",
            "en": "Last month's NPS is below the previous month's interval.",
        },
        "web.alert.see": {"fr": "Voir", "en": "See"},
        "web.col.file": {"fr": "Fichier", "en": "File"},
        "web.col.source": {"fr": "Source", "en": "Source"},
        "web.col.loaded": {"fr": "Chargées", "en": "Loaded"},
        "web.col.quarantined": {"fr": "En quarantaine", "en": "Quarantined"},
        "web.col.date": {"fr": "Date", "en": "Date"},
        "web.col.step": {"fr": "Étape", "en": "Step"},
        "web.col.customers": {"fr": "Clients", "en": "Customers"},
        "web.col.conversion": {"fr": "Conversion", "en": "Conversion"},
        "web.col.dropped": {"fr": "Perdus", "en": "Lost"},
        "web.col.customer": {"fr": "Client", "en": "Customer"},
        "web.col.interactions": {"fr": "Interactions", "en": "Interactions"},
        "web.col.last_seen": {"fr": "Dernier passage", "en": "Last seen"},
        "web.col.state": {"fr": "État", "en": "State"},
        # map
        "web.journey.unknown": {
            "fr": "Aucune carte « {id} » dans cet espace de travail.",
            "en": "No map “{id}” in this workspace.",
        },
        "web.map.edit": {"fr": "Modifier la carte", "en": "Edit the map"},
        "web.map.print": {"fr": "Imprimer (A3)", "en": "Print (A3)"},
        "web.map.no_tobe": {
            "fr": "Cet espace de travail n'a pas encore de carte cible (to-be) pour ce parcours : "
            "la carte actuelle est affichée.",
            "en": "This workspace has no to-be map for this journey yet: the as-is map is shown.",
        },
        "web.map.caption": {
            "fr": "Étapes en colonnes, canaux en lignes ; survolez ou tabulez sur un point de "
            "contact pour ses chiffres, cliquez pour le détail.",
            "en": "Stages in columns, channels in rows; hover or tab to a touchpoint for its "
            "numbers, click for the detail.",
        },
        "web.map.moment": {"fr": "moment de vérité", "en": "moment of truth"},
        "web.map.customers": {"fr": "Clients · conversion", "en": "Customers · conversion"},
        "web.map.promise": {"fr": "Promesse", "en": "Promise"},
        "web.map.satisfaction": {"fr": "Satisfaction", "en": "Satisfaction"},
        "web.map.irritants": {"fr": "Irritants", "en": "Irritants"},
        "web.map.emotion": {"fr": "Émotion (-2 à +2)", "en": "Emotion (-2 to +2)"},
        "web.map.ruptures": {"fr": "Ruptures", "en": "Ruptures"},
        "web.map.tp_numbers": {
            "fr": "{interactions} interactions · {customers} clients",
            "en": "{interactions} interactions · {customers} customers",
        },
        "web.map.no_score": {"fr": "Pas de réponse d'enquête ici.", "en": "No survey answer here."},
        "web.map.cell": {"fr": "détail de la cellule", "en": "cell detail"},
        "web.map.cell_label": {
            "fr": "Détail de {stage} sur le canal {channel}",
            "en": "Detail of {stage} on the {channel} channel",
        },
        "web.direction.pull": {"fr": "à l'initiative du client", "en": "customer-initiated"},
        "web.direction.push": {"fr": "à l'initiative de l'entreprise", "en": "company-initiated"},
        "web.nature.informative": {"fr": "informatif", "en": "informative"},
        "web.nature.transactional": {"fr": "transactionnel", "en": "transactional"},
        # cell
        "web.cell.unknown": {
            "fr": "Cette cellule n'existe pas sur la carte.",
            "en": "This cell is not on the map.",
        },
        "web.cell.funnel": {"fr": "Entonnoir jusqu'à cette étape", "en": "Funnel to this stage"},
        "web.cell.funnel_caption": {
            "fr": "Clients à chaque étape, dans l'ordre de la carte",
            "en": "Customers at each stage, in the map's order",
        },
        "web.cell.build_funnel": {
            "fr": "Construire un autre entonnoir",
            "en": "Build another funnel",
        },
        "web.cell.paths": {"fr": "Chemins depuis ce point", "en": "Paths from here"},
        "web.cell.verbatims": {"fr": "Ce que disent les clients", "en": "What customers say"},
        "web.cell.no_verbatim": {"fr": "Aucun verbatim ici.", "en": "No verbatim here."},
        "web.cell.all_verbatims": {
            "fr": "Tous les verbatims de l'étape",
            "en": "All the stage's verbatims",
        },
        "web.cell.customers": {"fr": "Clients vus ici ({n})", "en": "Customers seen here ({n})"},
        "web.cell.export": {
            "fr": "Exporter la liste (CSV pour Excel)",
            "en": "Export the list (CSV)",
        },
        # edit
        "web.edit.title": {"fr": "Modifier la carte {id}", "en": "Edit the map {id}"},
        "web.edit.intro": {
            "fr": "Chaque enregistrement écrit une nouvelle version du fichier YAML de l'espace "
            "de travail ; si quelqu'un a enregistré entre-temps, rien n'est écrasé.",
            "en": "Each save writes a new version of the workspace's YAML file; if someone saved "
            "in the meantime, nothing is overwritten.",
        },
        "web.edit.rename": {"fr": "Renommer une étape", "en": "Rename a stage"},
        "web.edit.stage": {"fr": "Étape", "en": "Stage"},
        "web.edit.channel": {"fr": "Canal", "en": "Channel"},
        "web.edit.label_fr": {"fr": "Libellé en français", "en": "Label in French"},
        "web.edit.label_en": {"fr": "Libellé en anglais", "en": "Label in English"},
        "web.edit.promise": {"fr": "Promesse de l'étape", "en": "Promise of the stage"},
        "web.edit.moment": {"fr": "Moment de vérité", "en": "Moment of truth"},
        "web.edit.unchanged": {"fr": "inchangé", "en": "unchanged"},
        "web.edit.yes": {"fr": "oui", "en": "yes"},
        "web.edit.no": {"fr": "non", "en": "no"},
        "web.edit.save": {"fr": "Enregistrer", "en": "Save"},
        "web.edit.add": {"fr": "Ajouter", "en": "Add"},
        "web.edit.add_touchpoint": {"fr": "Ajouter un point de contact", "en": "Add a touchpoint"},
        "web.edit.add_irritant": {"fr": "Ajouter un irritant", "en": "Add an irritant"},
        "web.edit.irritant_label": {"fr": "Ce que vit le client", "en": "What the customer lives"},
        "web.edit.journey_promise": {"fr": "Promesse du parcours", "en": "Promise of the journey"},
        "web.edit.id": {
            "fr": "Identifiant (lettres, chiffres, tirets)",
            "en": "Id (letters, digits, dashes)",
        },
        "web.edit.direction": {"fr": "Initiative", "en": "Initiative"},
        "web.edit.nature": {"fr": "Nature", "en": "Nature"},
        "web.edit.invalid": {
            "fr": "La carte ne serait pas valide ({n} problème(s)) : rien n'est enregistré.",
            "en": "The map would not be valid ({n} problem(s)): nothing is saved.",
        },
        "web.edit.expected": {
            "fr": "attendu {expected}, trouvé {found}",
            "en": "expected {expected}, found {found}",
        },
        "web.edit.valid": {"fr": "Valide selon le schéma.", "en": "Valid against the schema."},
        "web.edit.conflict": {
            "fr": "Quelqu'un a enregistré la carte depuis que vous l'avez ouverte : votre "
            "modification n'est pas enregistrée. Rechargez la page pour partir de sa version.",
            "en": "Someone saved the map since you opened it: your change is not saved. Reload "
            "the page to start from their version.",
        },
        "web.edit.reload": {"fr": "Recharger la carte", "en": "Reload the map"},
        "web.edit.saved": {
            "fr": "Enregistré : une nouvelle version du fichier.",
            "en": "Saved: a new version of the file.",
        },
        # analyses
        "web.funnel.title": {"fr": "Entonnoir", "en": "Funnel"},
        "web.funnel.help": {
            "fr": "Choisissez les étapes dans l'ordre ; un client compte à une étape s'il a "
            "franchi les précédentes dans la fenêtre.",
            "en": "Pick the stages in order; a customer counts at a step when they passed the "
            "previous ones within the window.",
        },
        "web.funnel.step": {"fr": "Étape {n}", "en": "Step {n}"},
        "web.funnel.window": {"fr": "Fenêtre (30d, 12h…)", "en": "Window (30d, 12h…)"},
        "web.funnel.build": {"fr": "Construire", "en": "Build"},
        "web.funnel.on_map": {"fr": "sur la carte", "en": "on the map"},
        "web.verbatims.title": {"fr": "Verbatims", "en": "Verbatims"},
        "web.verbatims.count": {
            "fr": "{n} verbatims, les plus récents d'abord.",
            "en": "{n} verbatims, newest first.",
        },
        "web.lifecycle.title": {"fr": "Cycle de vie", "en": "Lifecycle"},
        "web.lifecycle.states": {
            "fr": "Clients par état aujourd'hui",
            "en": "Customers by state today",
        },
        "web.lifecycle.churn": {"fr": "Attrition par trimestre", "en": "Churn per quarter"},
        # ingest
        "web.ingest.title": {"fr": "Charger un export", "en": "Load an export"},
        "web.ingest.intro": {
            "fr": "Déposez un export (CSV, Excel, Parquet, JSON lines) et choisissez sa "
            "correspondance ; le chargement continue si vous quittez la page.",
            "en": "Drop an export (CSV, Excel, Parquet, JSON lines) and pick its mapping; the "
            "load goes on if you leave the page.",
        },
        "web.ingest.file": {"fr": "Fichier", "en": "File"},
        "web.ingest.mapping": {"fr": "Correspondance", "en": "Mapping"},
        "web.ingest.submit": {"fr": "Charger", "en": "Load"},
        "web.ingest.sending": {"fr": "Envoi du fichier…", "en": "Sending the file…"},
        "web.ingest.recent": {
            "fr": "Chargements de cette session du serveur",
            "en": "Loads of this server session",
        },
        "web.ingest.none": {"fr": "Aucun pour l'instant.", "en": "None yet."},
        "web.ingest.job": {"fr": "Chargement", "en": "Load"},
        "web.ingest.unknown": {
            "fr": "Ce chargement est inconnu de ce serveur.",
            "en": "This server does not know this load.",
        },
        "web.ingest.progress": {"fr": "Avancement", "en": "Progress"},
        "web.ingest.result": {
            "fr": "{loaded} lignes chargées, {quarantined} en quarantaine ({read} lues).",
            "en": "{loaded} rows loaded, {quarantined} in quarantine ({read} read).",
        },
        "web.ingest.already": {
            "fr": "dont {n} déjà présentes",
            "en": "of which {n} were already there",
        },
        "web.ingest.see_quarantine": {
            "fr": "Voir les lignes en quarantaine",
            "en": "See the quarantined rows",
        },
        "web.job.queued": {"fr": "en attente", "en": "queued"},
        "web.job.running": {"fr": "en cours", "en": "running"},
        "web.job.done": {"fr": "terminé", "en": "done"},
        "web.job.failed": {"fr": "échec", "en": "failed"},
        "web.quarantine.title": {"fr": "Lignes en quarantaine", "en": "Quarantined rows"},
        "web.quarantine.count": {"fr": "{n} lignes affichées", "en": "{n} rows shown"},
        "web.quarantine.load": {"fr": "Chargement {id}", "en": "Load {id}"},
        "web.quarantine.all": {"fr": "toutes les lignes", "en": "all rows"},
        # plan
        "web.nav.plan": {"fr": "Plan d'action", "en": "Action plan"},
        "web.plan.title": {"fr": "Prioriser et planifier", "en": "Prioritise and plan"},
        "web.plan.matrix": {"fr": "Matrice gain × effort", "en": "Gain × effort matrix"},
        "web.plan.evidence": {"fr": "Les preuves", "en": "The evidence"},
        "web.plan.class": {"fr": "Classe", "en": "Class"},
        "web.plan.gain": {"fr": "Gain", "en": "Gain"},
        "web.plan.effort": {"fr": "Effort", "en": "Effort"},
        "web.plan.gain_of": {"fr": "Gain de « {idea} »", "en": "Gain of “{idea}”"},
        "web.plan.effort_of": {"fr": "Effort de « {idea} »", "en": "Effort of “{idea}”"},
        "web.plan.customers": {
            "fr": "{n} clients passent par ses étapes et points de contact",
            "en": "{n} customers go through its stages and touchpoints",
        },
        "web.plan.irritants": {
            "fr": "Irritants pondérés traités : {weight} ({share} du total)",
            "en": "Weighted irritants addressed: {weight} ({share} of all)",
        },
        "web.plan.value": {
            "fr": "Valeur en jeu : {value} € ({lost} clients perdus au point de blocage)",
            "en": "Value at stake: €{value} ({lost} customers lost at the blocking point)",
        },
        "web.plan.evidence_gain": {
            "fr": "Gain estimé par les données : {gain} sur 5",
            "en": "Gain estimated from the data: {gain} of 5",
        },
        "web.plan.ideas": {"fr": "Les idées", "en": "The ideas"},
        "web.plan.idea": {"fr": "Idée", "en": "Idea"},
        "web.plan.team": {"fr": "Équipe", "en": "Team"},
        "web.plan.move": {"fr": "Déplacer sur la matrice", "en": "Move on the matrix"},
        "web.plan.rescore": {"fr": "Noter", "en": "Re-score"},
        "web.plan.roadmap": {"fr": "Feuille de route", "en": "Road map"},
        "web.plan.capacity": {"fr": "Capacités des équipes", "en": "Team capacities"},
        "web.plan.capacity_of": {
            "fr": "{team} (jours-personne par période)",
            "en": "{team} (person-days per period)",
        },
        "web.plan.replan": {"fr": "Replanifier", "en": "Re-plan"},
        "web.plan.unscheduled": {"fr": "Idées hors planning", "en": "Ideas left out"},
        "web.plan.sheets": {"fr": "Fiches chantier", "en": "Workstream sheets"},
        "web.plan.bad_score": {
            "fr": "Attendu un gain et un effort de 1 à 5.",
            "en": "Expected a gain and an effort from 1 to 5.",
        },
        "web.plan.unknown": {
            "fr": "Aucune idée ni chantier « {id} ».",
            "en": "No idea or workstream “{id}”.",
        },
        "web.kpis.title": {"fr": "Suivi des indicateurs", "en": "KPI follow-up"},
        "web.kpis.caption": {
            "fr": "Chaque indicateur : référence à l'approbation, cible, dernière valeur mensuelle avec son intervalle, statut",
            "en": "Each KPI: baseline at approval, target, latest monthly value with its interval, status",
        },
        "web.kpis.kpi": {"fr": "Indicateur", "en": "KPI"},
        "web.kpis.baseline": {"fr": "Référence", "en": "Baseline"},
        "web.kpis.target": {"fr": "Cible", "en": "Target"},
        "web.kpis.latest": {"fr": "Dernière valeur", "en": "Latest"},
        "web.kpis.interval": {"fr": "Intervalle", "en": "Interval"},
        "web.kpis.deadline": {"fr": "Échéance", "en": "Deadline"},
        "web.kpis.status": {"fr": "Statut", "en": "Status"},
        "web.kpis.none": {"fr": "Aucun indicateur suivi.", "en": "No KPI followed."},
        "web.kpis.uplift": {"fr": "Effet des scénarios", "en": "Scenario uplift"},
        "web.kpis.no_scenario": {
            "fr": "Aucun scénario d'orchestration dans cet espace de travail.",
            "en": "No orchestration scenario in this workspace.",
        },
        "web.kpis.scenario": {"fr": "Scénario", "en": "Scenario"},
        "web.kpis.uplift_value": {"fr": "Gain de conversion", "en": "Conversion uplift"},
        # workshop
        "web.workshop.title": {"fr": "Atelier", "en": "Workshop"},
        "web.workshop.new": {"fr": "Préparer un world café", "en": "Plan a world café"},
        "web.workshop.default_name": {"fr": "World café", "en": "World café"},
        "web.workshop.name": {"fr": "Nom de l'atelier", "en": "Name of the workshop"},
        "web.workshop.people": {"fr": "Participants", "en": "Participants"},
        "web.workshop.people_help": {
            "fr": "Une personne par ligne : nom ; service ; hôte (oui si elle tient une table).",
            "en": "One person per line: name; department; host (yes if they keep a table).",
        },
        "web.workshop.tables": {"fr": "Tables", "en": "Tables"},
        "web.workshop.rounds": {"fr": "Tours", "en": "Rounds"},
        "web.workshop.questions": {
            "fr": "Questions (une par tour)",
            "en": "Questions (one per round)",
        },
        "web.workshop.open": {"fr": "Ouvrir la session", "en": "Open the session"},
        "web.workshop.code": {"fr": "Code", "en": "Code"},
        "web.workshop.show_code": {
            "fr": "Affichez ce code : les participants le saisissent sur leur téléphone.",
            "en": "Show this code: participants type it on their phone.",
        },
        "web.workshop.join_at": {"fr": "Page à ouvrir :", "en": "Page to open:"},
        "web.workshop.round_of": {
            "fr": "Tour {round} sur {rounds}",
            "en": "Round {round} of {rounds}",
        },
        "web.workshop.ended": {"fr": "Atelier terminé", "en": "Workshop over"},
        "web.workshop.joined": {
            "fr": "{n} participants connectés sur {total}",
            "en": "{n} of {total} participants connected",
        },
        "web.workshop.table": {"fr": "Table {n}", "en": "Table {n}"},
        "web.workshop.dots": {"fr": "{n} gommettes", "en": "{n} dots"},
        "web.workshop.no_idea": {"fr": "Pas encore d'idée.", "en": "No idea yet."},
        "web.workshop.saved": {
            "fr": "{n} idées versées au plan (plan/ideas.yaml).",
            "en": "{n} ideas written to the plan (plan/ideas.yaml).",
        },
        "web.workshop.close_round": {
            "fr": "Clore le tour (les idées vont au plan, on change de table)",
            "en": "Close the round (ideas go to the plan, people change tables)",
        },
        "web.workshop.close_last": {
            "fr": "Clore le dernier tour et terminer",
            "en": "Close the last round and finish",
        },
        "web.workshop.join": {"fr": "Rejoindre un atelier", "en": "Join a workshop"},
        "web.workshop.your_name": {
            "fr": "Votre nom (comme sur la liste)",
            "en": "Your name (as on the list)",
        },
        "web.workshop.bad_code": {
            "fr": "Ce code ne correspond à aucun atelier ouvert.",
            "en": "This code matches no open workshop.",
        },
        "web.workshop.bad_name": {
            "fr": "Ce nom n'est pas sur la liste de l'atelier.",
            "en": "This name is not on the workshop's list.",
        },
        "web.workshop.unknown": {
            "fr": "Aucun atelier ouvert avec le code {code}.",
            "en": "No open workshop with the code {code}.",
        },
        "web.workshop.hello": {"fr": "Bonjour {name}", "en": "Hello {name}"},
        "web.workshop.thanks": {
            "fr": "L'atelier est terminé : merci, vos idées sont dans le plan.",
            "en": "The workshop is over: thank you, your ideas are in the plan.",
        },
        "web.workshop.your_table": {"fr": "Votre table : {n}", "en": "Your table: {n}"},
        "web.workshop.host": {"fr": "vous êtes l'hôte", "en": "you are the host"},
        "web.workshop.your_idea": {"fr": "Votre idée", "en": "Your idea"},
        "web.workshop.chars_left": {"fr": "caractères restants", "en": "characters left"},
        "web.workshop.post": {"fr": "Proposer", "en": "Post"},
        "web.workshop.table_ideas": {"fr": "Idées de la table", "en": "The table's ideas"},
        "web.workshop.dots_left": {
            "fr": "{n} gommettes sur {total} à placer",
            "en": "{n} of {total} dots left",
        },
        "web.workshop.vote": {"fr": "Voter", "en": "Vote"},
        "web.workshop.vote_for": {"fr": "Voter pour « {idea} »", "en": "Vote for “{idea}”"},
        "web.workshop.none": {
            "fr": "Aucune session d'atelier n'est ouverte pour l'instant.",
            "en": "No workshop session is open for now.",
        },
    }
)
