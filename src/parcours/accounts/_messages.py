"""The accounts package's words, in French and English (CLI output)."""

from __future__ import annotations

from parcours.i18n import register

register(
    {
        "accounts.added": {
            "fr": "Utilisateur {name} ajouté (rôle {role}).",
            "en": "User {name} added (role {role}).",
        },
        "accounts.removed": {"fr": "Utilisateur {name} supprimé.", "en": "User {name} removed."},
        "accounts.role_set": {
            "fr": "{name} a maintenant le rôle {role}.",
            "en": "{name} now has the role {role}.",
        },
        "accounts.password_set": {
            "fr": "Mot de passe de {name} changé ; ses sessions sont fermées.",
            "en": "Password of {name} changed; their sessions are closed.",
        },
        "accounts.no_users": {
            "fr": "Aucun utilisateur. Ajoutez-en un : parcours users add NOM --role admin --password-stdin",
            "en": "No users. Add one: parcours users add NAME --role admin --password-stdin",
        },
        "accounts.col.name": {"fr": "nom", "en": "name"},
        "accounts.col.role": {"fr": "rôle", "en": "role"},
        "accounts.col.password": {"fr": "mot de passe", "en": "password"},
        "accounts.col.created": {"fr": "créé le", "en": "created"},
        "accounts.col.id": {"fr": "id", "en": "id"},
        "accounts.col.owner": {"fr": "titulaire", "en": "owner"},
        "accounts.col.label": {"fr": "libellé", "en": "label"},
        "accounts.col.last_used": {"fr": "dernier usage", "en": "last used"},
        "accounts.col.state": {"fr": "état", "en": "state"},
        "accounts.yes": {"fr": "oui", "en": "yes"},
        "accounts.no": {"fr": "non", "en": "no"},
        "accounts.active": {"fr": "actif", "en": "active"},
        "accounts.revoked": {"fr": "révoqué", "en": "revoked"},
        "accounts.token_once": {
            "fr": "Jeton {id} ({owner}) — affiché une seule fois, conservez-le maintenant :",
            "en": "Token {id} ({owner}) — shown once, keep it now:",
        },
        "accounts.token_revoked": {
            "fr": "Jeton {id} révoqué.",
            "en": "Token {id} revoked.",
        },
        "accounts.password_prompt": {"fr": "Mot de passe", "en": "Password"},
        "accounts.password_empty": {
            "fr": "mot de passe attendu sur l'entrée standard, rien trouvé",
            "en": "expected a password on standard input, found nothing",
        },
    }
)
