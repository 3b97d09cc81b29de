"""The orchestrate package's words, in French and English."""

from __future__ import annotations

from parcours.i18n import register

register(
    {
        "orchestrate.section.title": {"fr": "Scénarios déclenchés", "en": "Trigger scenarios"},
        "orchestrate.section.empty": {
            "fr": "Aucun scénario n’a encore tourné dans cet espace de travail.",
            "en": "No scenario has run in this workspace yet.",
        },
        "orchestrate.section.reading": {
            "fr": "{scenarios} scénario(s) actif(s), {sent} message(s) envoyé(s) une seule fois chacun.",
            "en": "{scenarios} active scenario(s), {sent} message(s) sent, each exactly once.",
        },
        "orchestrate.ingested": {
            "fr": "{received} événement(s) reçu(s), {duplicates} doublon(s) ignoré(s), {enrolled} entrée(s) en scénario, {exited} sortie(s), {converted} conversion(s).",
            "en": "{received} event(s) received, {duplicates} duplicate(s) ignored, {enrolled} scenario entr(y/ies), {exited} exit(s), {converted} conversion(s).",
        },
        "orchestrate.unsubscribed": {
            "fr": "{customer} désabonné(e) ({channel}, {purpose}) ; {purged} parcours en attente purgé(s).",
            "en": "{customer} unsubscribed ({channel}, {purpose}); {purged} queued journey(s) purged.",
        },
        "orchestrate.erased": {
            "fr": "{customer} effacé(e) : {rows} ligne(s) supprimée(s), empreinte de suppression conservée.",
            "en": "{customer} erased: {rows} row(s) deleted, hashed suppression entry kept.",
        },
        "orchestrate.worker": {
            "fr": "Travailleur {name} : {processed} étape(s) traitée(s).",
            "en": "Worker {name}: {processed} step(s) processed.",
        },
        "orchestrate.valid": {"fr": "{file} : scénario valide", "en": "{file}: valid scenario"},
        "orchestrate.unsub.page": {
            "fr": "Vous êtes désabonné(e). Aucun autre message marketing ne vous sera envoyé.",
            "en": "You are unsubscribed. No further marketing message will be sent to you.",
        },
        "orchestrate.unsub.confirm": {
            "fr": "Confirmer le désabonnement",
            "en": "Confirm unsubscribe",
        },
        "orchestrate.parked.none": {
            "fr": "Aucun message en attente de décision.",
            "en": "No parked message.",
        },
        "orchestrate.parked.header": {
            "fr": "{count} message(s) en attente de décision (le fournisseur ne sait pas dire s’il l’a reçu) :",
            "en": "{count} parked message(s) (the provider cannot tell whether it took them):",
        },
        "orchestrate.parked.row": {
            "fr": "{ref}  scénario {scenario}  client {customer}  étape {step}  ({channel}) depuis le {since} à {time}",
            "en": "{ref}  scenario {scenario}  customer {customer}  step {step}  ({channel}) since {since} {time}",
        },
        "orchestrate.parked.hint": {
            "fr": "Décider : parcours orchestrate resolve CLÉ --as sent|resend|drop",
            "en": "Decide: parcours orchestrate resolve KEY --as sent|resend|drop",
        },
        "orchestrate.resolved.sent": {
            "fr": "{ref} : noté comme envoyé ; le parcours de {customer} continue.",
            "en": "{ref}: recorded as sent; {customer}'s journey goes on.",
        },
        "orchestrate.resolved.resend": {
            "fr": "{ref} : sera renvoyé (même Message-ID) au prochain passage d’un travailleur.",
            "en": "{ref}: will be resent (same Message-ID) on a worker's next pass.",
        },
        "orchestrate.resolved.drop": {
            "fr": "{ref} : abandonné, non envoyé ; le parcours de {customer} passe à l’étape suivante.",
            "en": "{ref}: dropped, not sent; {customer}'s journey moves to the next step.",
        },
        "erase.done": {
            "fr": "{customers} : effacé(e)(s) partout.",
            "en": "{customers}: erased everywhere.",
        },
        "erase.not_found": {
            "fr": "Introuvable(s) dans l’entrepôt et la base opérationnelle : {customers} (empreintes enregistrées quand même).",
            "en": "Found neither in the warehouse nor in the operational store: {customers} (hashes recorded anyway).",
        },
        "erase.warehouse": {
            "fr": "Entrepôt : {rows} ligne(s) supprimée(s) ({detail}).",
            "en": "Warehouse: {rows} row(s) deleted ({detail}).",
        },
        "erase.ops": {
            "fr": "Base opérationnelle : {rows} ligne(s) supprimée(s) ({detail}).",
            "en": "Operational store: {rows} row(s) deleted ({detail}).",
        },
        "erase.suppressed": {
            "fr": "Liste de suppression : {n} empreinte(s) ajoutée(s) (HMAC, clé secrète du workspace) ; les imports et ingestions à venir les ignorent.",
            "en": "Suppression list: {n} hash(es) added (HMAC, the workspace's secret key); future imports and ingests skip them.",
        },
        "erase.compact": {
            "fr": "Fichier de l’entrepôt réécrit (les pages libérées ne gardent rien) : {before} → {after} en {seconds} s.",
            "en": "Warehouse file rewritten (freed pages keep nothing): {before} → {after} in {seconds} s.",
        },
        "erase.caches": {
            "fr": "Caches supprimés (reconstruits au prochain calcul) : {files}",
            "en": "Caches removed (rebuilt on the next run): {files}",
        },
        "erase.files": {
            "fr": "Fichiers de out/ qui les mentionnent encore (à supprimer ou régénérer) :",
            "en": "Files under out/ that still mention them (delete or regenerate them):",
        },
        "erase.no_files": {
            "fr": "Aucun fichier de out/ ne les mentionne.",
            "en": "No file under out/ mentions them.",
        },
    }
)
