"""Voice of the customer: survey metrics with intervals, verbatims, irritants, emotion, scoring, Kano.

- Metrics: :func:`nps` (adjusted-Wald interval), :func:`csat` (top-2-box, Wilson or Agresti-Coull;
  mean), :func:`ces` (1-5 effort, 1-7 agreement), grouped with :func:`satisfaction`.
- Verbatims: :func:`classify` (our lexicon, French and English, negation and intensifiers),
  :class:`VerbatimClassifier` (a scikit-learn model trained on your labelled verbatims),
  :func:`train_verbatim_model` (measure it, train it, save it in the workspace) and
  :func:`workspace_model` (the workspace's trained model, or None).
- Irritants: :func:`rank_verbatims` (occurrences x touchpoint volume x recency decay).
- Emotion: :func:`emotion_curve` (-2..+2 per stage) and :func:`peak_end`.
- Experience scoring: :func:`read_reference`, :func:`score_experience`, :func:`score_actions`.
- Kano: :func:`kano`, :func:`kano_category`. Employees: :func:`employee_experience`.
- The journey-map contract: :func:`journey_voc` -> :class:`JourneyVoc` (:func:`stage_rows` picks
  its per-stage rows). Errors: :class:`VocError` (a ParcoursError).
"""

from __future__ import annotations

from parcours.voc import _messages  # noqa: F401  # registers the package's words
from parcours.voc._classify import classify_verbatims, workspace_model
from parcours.voc._emotion import emotion_curve, peak_end, score_emotion
from parcours.voc._employee import EMPLOYEE_FILES, employee_answers, employee_experience
from parcours.voc._errors import VocError
from parcours.voc._irritants import DEFAULT_HALF_LIFE_DAYS, rank_verbatims
from parcours.voc._journey import (
    JourneyVoc,
    journey_responses,
    journey_verbatims,
    journey_voc,
    stage_rows,
)
from parcours.voc._kano import kano, kano_category
from parcours.voc._lexicon import CLASSES, THEMES, LexiconResult, classify, detect_lang
from parcours.voc._scoring import (
    ExperienceReference,
    read_observations,
    read_reference,
    score_actions,
    score_experience,
)
from parcours.voc._stats import (
    DEFAULT_MIN_N,
    MetricResult,
    agresti_coull,
    ces,
    csat,
    mean_interval,
    nps,
    wilson,
)
from parcours.voc._survey import satisfaction
from parcours.voc._train import VerbatimTraining, train_verbatim_model

__all__ = [
    "CLASSES",
    "DEFAULT_HALF_LIFE_DAYS",
    "DEFAULT_MIN_N",
    "EMPLOYEE_FILES",
    "THEMES",
    "ExperienceReference",
    "JourneyVoc",
    "LexiconResult",
    "MetricResult",
    "VerbatimClassifier",
    "VerbatimTraining",
    "VocError",
    "agresti_coull",
    "ces",
    "classify",
    "classify_verbatims",
    "csat",
    "detect_lang",
    "emotion_curve",
    "employee_answers",
    "employee_experience",
    "journey_responses",
    "journey_verbatims",
    "journey_voc",
    "kano",
    "kano_category",
    "mean_interval",
    "nps",
    "peak_end",
    "rank_verbatims",
    "read_observations",
    "read_reference",
    "satisfaction",
    "score_actions",
    "score_emotion",
    "score_experience",
    "stage_rows",
    "train_verbatim_model",
    "wilson",
    "workspace_model",
]


def __getattr__(name: str) -> object:
    # The model pulls in scikit-learn: load it on first use so `import parcours.voc` stays light.
    if name == "VerbatimClassifier":
        from parcours.voc._model import VerbatimClassifier

        return VerbatimClassifier
    raise AttributeError(f"module 'parcours.voc' has no attribute {name!r}")
