"""The API's words, in French and English: problem titles and the unsubscribe pages."""

from __future__ import annotations

from parcours.i18n import register

register(
    {
        "api.problem.400": {"fr": "Requête invalide", "en": "Bad request"},
        "api.problem.401": {"fr": "Authentification requise", "en": "Authentication required"},
        "api.problem.403": {"fr": "Accès refusé", "en": "Forbidden"},
        "api.problem.404": {"fr": "Introuvable", "en": "Not found"},
        "api.problem.405": {"fr": "Méthode non autorisée", "en": "Method not allowed"},
        "api.problem.408": {"fr": "Délai de requête dépassé", "en": "Request timeout"},
        "api.problem.409": {"fr": "Conflit", "en": "Conflict"},
        "api.problem.411": {"fr": "Longueur requise", "en": "Length required"},
        "api.problem.412": {
            "fr": "Modification concurrente : la version a changé",
            "en": "Concurrent edit: the version has changed",
        },
        "api.problem.413": {
            "fr": "Corps de requête trop volumineux",
            "en": "Request body too large",
        },
        "api.problem.415": {
            "fr": "Type de contenu non pris en charge",
            "en": "Unsupported media type",
        },
        "api.problem.422": {"fr": "Données invalides", "en": "Invalid data"},
        "api.problem.428": {
            "fr": "Précondition requise (en-tête If-Match)",
            "en": "Precondition required (If-Match header)",
        },
        "api.problem.429": {"fr": "Trop de tentatives", "en": "Too many attempts"},
        "api.problem.500": {"fr": "Erreur interne du serveur", "en": "Internal server error"},
        "api.problem.503": {"fr": "Service indisponible", "en": "Service unavailable"},
        "api.problem.other": {"fr": "Erreur", "en": "Error"},
        "api.server_error": {
            "fr": "Une erreur inattendue s'est produite ; l'identifiant de requête permet de la retrouver dans le journal du serveur.",
            "en": "An unexpected error occurred; the request id finds it in the server's log.",
        },
        "api.serving": {
            "fr": "parcours sert {workspace} sur {url} (Ctrl+C pour arrêter)",
            "en": "parcours serves {workspace} on {url} (Ctrl+C to stop)",
        },
        "api.serving_public": {
            "fr": "routes publiques (événements, désabonnement) sur {url}",
            "en": "public routes (events, unsubscribe) on {url}",
        },
    }
)
