"""Compiled kernels (``lcpipe._ext``, built from ``ext/``): checked wrappers, each beside its slow NumPy
reference (``method="slow"``). The only package that imports ``lcpipe._ext``; imports nothing above
``lcpipe.lightcurve``."""
