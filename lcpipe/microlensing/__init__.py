"""Microlensing branch: PSPL/FSPL fits and the anomaly grid scan of their residuals."""
