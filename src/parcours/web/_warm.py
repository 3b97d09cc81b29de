"""Start-up warm-up: the numbers of the home page and of each map with the default filters are
computed once in the background and kept in the server's cache (until the data changes)."""

from __future__ import annotations

import logging
import time
from typing import Any

__all__ = ["warm_up"]

log = logging.getLogger("parcours.web")


def warm_up(ctx: Any) -> None:
    from parcours.i18n import Lang
    from parcours.web._core import Filters
    from parcours.web._data import headline, journey_choices, map_view, touchpoint_scores

    start = time.perf_counter()
    lang: Lang = "en" if str(ctx.lang) == "en" else "fr"
    filters = Filters()
    try:
        journeys = [j for j, _ in journey_choices(ctx, lang)]
        for journey in journeys:
            map_view(ctx, journey, filters, lang)
            touchpoint_scores(ctx, journey, filters)
        headline(ctx, journeys[0] if journeys else None, filters, lang)
    except Exception as exc:  # a warm-up never stops the server: pages compute on demand instead
        log.warning("web warm-up stopped: %s: %s", type(exc).__name__, exc)
        return
    log.info("web warm-up done in %.1f s", time.perf_counter() - start)
