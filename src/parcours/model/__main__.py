"""Regenerate the published journey-map JSON Schema: ``python -m parcours.model [PATH]``."""

from __future__ import annotations

import sys

from parcours.model._schema import SCHEMA_PATH, write_journey_schema

if __name__ == "__main__":
    written = write_journey_schema(sys.argv[1] if len(sys.argv) > 1 else SCHEMA_PATH)
    print(f"wrote {written}")
