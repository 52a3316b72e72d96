"""Rule-based astrophysical classes of candidates (eclipsing binary, flare, CV, starspot, dipper, YSO ...)."""

from lcpipe.classify.features import FEATURE_COLUMNS, FeatureOptions, lightcurve_features
from lcpipe.classify.rules import ASTRO_CLASSES, UNCLASSIFIED, ClassifyOptions, class_scores, final_class
from lcpipe.classify.stage import classify_table, write_classified

__all__ = [
    "ASTRO_CLASSES",
    "FEATURE_COLUMNS",
    "UNCLASSIFIED",
    "ClassifyOptions",
    "FeatureOptions",
    "class_scores",
    "classify_table",
    "final_class",
    "lightcurve_features",
    "write_classified",
]
