"""Distance, absolute magnitude and the Koenig & Leisawitz (2014) infrared class."""

import numpy as np
import pytest

from lcpipe.characterize.derived import (
    IR_CLASSES,
    absolute_magnitude,
    distance_from_parallax,
    ir_class_koenig_leisawitz,
)


def test_distance_only_for_good_parallaxes():
    plx = np.array([10.0, 10.0, 1.0, -0.5, 0.0, np.nan, 2.0])
    err = np.array([0.1, np.nan, 0.5, 0.1, 0.1, 0.1, 0.4])
    distance, status = distance_from_parallax(plx, err, min_snr=5.0)
    assert status.tolist() == [
        "ok",
        "no_parallax_error",
        "low_parallax_snr",
        "nonpositive_parallax",
        "nonpositive_parallax",
        "no_parallax",
        "ok",
    ]
    assert distance[0] == pytest.approx(100.0)
    assert distance[6] == pytest.approx(500.0)
    assert np.isnan(distance[1:6]).all()


def test_absolute_magnitude():
    mag = absolute_magnitude(np.array([12.0, 12.0, np.nan]), np.array([100.0, np.nan, 10.0]))
    assert mag[0] == pytest.approx(7.0)
    assert np.isnan(mag[1:]).all()


EPS = 1e-3


@pytest.mark.parametrize(
    ("w1_w2", "w2_w3", "expected"),
    [
        # Class I line w1_w2 = -0.42 w2_w3 + 2.2, only for w2_w3 > 2.0
        (-0.42 * 2.5 + 2.2 + EPS, 2.5, "Class I"),
        (-0.42 * 2.5 + 2.2 - EPS, 2.5, "Class II"),
        (1.6, 2.0 + EPS, "Class I"),
        (1.6, 2.0 - EPS, "Class II"),
        # Class II limits w1_w2 > 0.25, w2_w3 > 1.0
        (0.25 + EPS, 1.5, "Class II"),
        (0.25 - EPS, 1.5, "transition disk"),
        (0.6, 1.0 + EPS, "Class II"),
        (0.6, 1.0 - EPS, "unknown"),
        # photospheric colours: transition disk vs main sequence at w2_w3 = 1.0
        (0.05, 1.0 + EPS, "transition disk"),
        (0.05, 1.0 - EPS, "main sequence"),
        (0.0, 0.0, "main sequence"),
        # galaxy / AGN locus below w1_w2 = 0.46 w2_w3 - 0.9
        (0.46 * 3.0 - 0.9 - EPS, 3.0, "unknown"),
        (0.46 * 3.0 - 0.9 + EPS, 3.0, "Class II"),
        (0.46 * 2.2 - 0.9 - EPS, 2.2, "unknown"),
        (0.46 * 2.2 - 0.9 + EPS, 2.2, "transition disk"),
        # missing photometry
        (np.nan, 1.0, "unknown"),
        (0.5, np.nan, "unknown"),
    ],
)
def test_ir_class_on_each_side_of_the_cuts(w1_w2, w2_w3, expected):
    assert ir_class_koenig_leisawitz(np.array([w1_w2]), np.array([w2_w3])).tolist() == [expected]


def test_ir_class_labels_are_the_documented_ones():
    rng = np.random.default_rng(3)
    labels = ir_class_koenig_leisawitz(rng.uniform(-0.5, 3, 2000), rng.uniform(-0.5, 6, 2000))
    assert set(labels) == set(IR_CLASSES)
