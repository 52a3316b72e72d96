"""Long-term variability (LTV): slow trends, season-to-season changes, state changes and red noise.

Camera (and band) zero points are fitted jointly with every trend: in multi-camera surveys each camera
observes its own stretch of years, so a trend fitted without them finds camera changes, not stars.

May import lcpipe.kernels, lcpipe.lightcurve, lcpipe.options; the LTV stage is lcpipe.stages.ltv.
"""
