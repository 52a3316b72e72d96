"""Evaluation: what the pipeline can find and how often it is wrong (injection-recovery, false alarms).

May import the other science packages, lcpipe.kernels, lcpipe.io and lcpipe.lightcurve; its workflow stages
are in lcpipe.stages.evaluation.

- :mod:`~lcpipe.evaluation.dip_injection`: skew-normal dips injected into host light curves over
  depth x duration x host magnitude, searched before and after injection.
- :mod:`~lcpipe.evaluation.anomaly_injection`: planetary anomalies (binary-lens light curves or bumps)
  injected into PSPL events, searched with the anomaly finder.
- :mod:`~lcpipe.evaluation.false_alarms`: both searches on light curves with nothing injected.
- :mod:`~lcpipe.evaluation.validation`: precision, recall and F1 per class against known objects.
- :mod:`~lcpipe.evaluation.efficiency`: efficiency cubes, marginals, the value at 50% efficiency.
- :mod:`~lcpipe.evaluation.plots`: the figures.

Trials run in chunks written atomically, so an interrupted run resumes where it stopped, and every
trial seeds its own generator, so the same seed gives the same table.
"""
