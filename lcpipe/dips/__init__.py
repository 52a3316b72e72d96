"""Dip branch: per-camera GP baselines, Bayesian dip/jump evidence, runs, morphology and dipper score."""
