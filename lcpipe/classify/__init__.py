"""Rule-based astrophysical classes of candidates (eclipsing binary, flare, CV, starspot, dipper, YSO ...).

May import lcpipe.io and lcpipe.lightcurve; the classify stage is lcpipe.stages.classify.
"""

from lcpipe.classify.features import FEATURE_COLUMNS, FeatureOptions, lightcurve_features
from lcpipe.classify.rules import ASTRO_CLASSES, UNCLASSIFIED, ClassifyOptions, class_scores, final_class

__all__ = [
    "ASTRO_CLASSES",
    "FEATURE_COLUMNS",
    "UNCLASSIFIED",
    "ClassifyOptions",
    "FeatureOptions",
    "class_scores",
    "final_class",
    "lightcurve_features",
]
