"""Dip branch: per-camera GP baselines, Bayesian dip/jump evidence, runs, morphology and dipper score.

May import lcpipe.kernels, lcpipe.io, lcpipe.lightcurve, lcpipe.options; the dip stage is lcpipe.stages.dips.
"""
