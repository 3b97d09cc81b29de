"""Writes crm_hostile.csv: a CRM export as they come (run it to regenerate the committed file).

UTF-8 with a BOM but one line in cp1252, CRLF on some lines, a blank line, quoted separators and
quotes, a multi-line field, its exact duplicate, bad dates and amounts, missing and invalid ids,
rows with too few and too many fields.
"""

from pathlib import Path

LINES: list[tuple[str, str, str]] = [
    # (text, encoding, line end)
    ("Code client;E-mail;Téléphone;Date;Canal;Code action;Libellé;Montant", "utf-8", "\r\n"),
    (
        'C001;marie.dupont@exemple.fr;06 12 34 56 78;03/01/2026 09:15;Agence;AG_DEVIS;Devis "Sérénité";0',
        "utf-8",
        "\r\n",
    ),
    ("C001;;;04/01/2026 10:00;Téléphone;TEL_DEVIS;Rappel;", "utf-8", "\n"),
    ("", "utf-8", "\n"),
    (
        'C002;rémi.lefèvre@exemple.fr;;05/01/2026 11:00;Web;WEB_DEVIS;"Devis; formule ""Confort""";12,50',
        "cp1252",
        "\n",
    ),
    (";;;06/01/2026;Web;WEB_DEVIS;sans identifiant;1", "utf-8", "\n"),
    ("C003;paul@exemple.fr;;31/02/2025 10:00;Web;WEB_DEVIS;date impossible;1", "utf-8", "\n"),
    (
        'C004;;0612345679;07/01/2026 08:00;Téléphone;TEL_INFO_OFFRE;"appel sur\ndeux lignes";1 234,56',
        "utf-8",
        "\n",
    ),
    (
        'C004;;0612345679;07/01/2026 08:00;Téléphone;TEL_INFO_OFFRE;"appel sur\ndeux lignes";1 234,56',
        "utf-8",
        "\n",
    ),
    ("C005;x@y.fr;;08/01/2026 12:00;Web;WEB_DEVIS;montant en lettres;douze", "utf-8", "\n"),
    ("C006;trop;court", "utf-8", "\n"),
    ("C007;a@b.fr;;09/01/2026 12:00;Web;WEB_DEVIS;x;1;en trop", "utf-8", "\r\n"),
    (";;+33 6 12 34 56 78;10/01/2026 12:00;Téléphone;TEL_RECLAMATION;réclamation;", "utf-8", "\n"),
    ("C008;pas-un-email;;10/01/2026 12:00;Web;WEB_DEVIS;x;1", "utf-8", "\n"),
    ("C009;;;10/01/2026 13:00;Web;WEB_CHATBOT;code inconnu;1", "utf-8", ""),
]


def build() -> bytes:
    return b"\xef\xbb\xbf" + b"".join((t + e).encode(enc) for t, enc, e in LINES)


if __name__ == "__main__":
    Path(__file__).with_name("crm_hostile.csv").write_bytes(build())
