"""Tests of parcours.voc."""
