"""Microlensing branch: PSPL/FSPL fits and the anomaly grid scan of their residuals, with its verdict.
Imports ``io``, ``lightcurve`` and ``kernels`` (all compiled code goes through ``lcpipe.kernels``)."""
