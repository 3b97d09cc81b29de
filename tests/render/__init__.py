"""Tests of parcours.render."""
