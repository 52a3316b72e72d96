"""Figures of one candidate: dip-branch light curves, the shared time axis (matplotlib, no files read).

May import the science packages (lcpipe.dips, lcpipe.microlensing), lcpipe.io and lcpipe.lightcurve.
"""
