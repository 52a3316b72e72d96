"""Plots of the candidates of a bin: dip-branch light curves and microlensing summaries."""
