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
    }
)
