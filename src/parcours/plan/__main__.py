"""Regenerate the published ideas JSON Schema: ``python -m parcours.plan [PATH]``."""

from __future__ import annotations

import sys

from parcours.plan._ideas import IDEAS_SCHEMA_PATH, write_ideas_schema

if __name__ == "__main__":
    written = write_ideas_schema(sys.argv[1] if len(sys.argv) > 1 else IDEAS_SCHEMA_PATH)
    print(f"wrote {written}")
