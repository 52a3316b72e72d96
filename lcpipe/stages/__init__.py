"""Pipeline stages: the functions the Snakemake scripts call, reading and writing the stage tables.

May import every science package and the layers below; only lcpipe.cli, lcpipe.review and scripts/ import it.

One module per rules file (``rules/<family>.smk``) or, where a file holds several families of rules, per
family; the others are the machinery every stage shares:

========================  =====================================================================
rules file                modules
========================  =====================================================================
demo.smk                  :mod:`~lcpipe.stages.demo`
manifest.smk              :mod:`~lcpipe.stages.manifest`
tag.smk                   :mod:`~lcpipe.stages.tag`
microlensing.smk          :mod:`~lcpipe.stages.microlensing`
dips.smk                  :mod:`~lcpipe.stages.dips`
after_detection.smk       :mod:`~lcpipe.stages.join`, :mod:`~lcpipe.stages.filter`,
                          :mod:`~lcpipe.stages.catalogs` (characterize, vetting),
                          :mod:`~lcpipe.stages.plots` (with :mod:`~lcpipe.stages.microlensing_plots`),
                          :mod:`~lcpipe.stages.report` (a bin's pages), :mod:`~lcpipe.stages.run_report`
classify.smk              :mod:`~lcpipe.stages.classify`
evaluation.smk            :mod:`~lcpipe.stages.evaluation`
summary.smk               :mod:`~lcpipe.stages.ledger`, :mod:`~lcpipe.stages.failures`,
                          :mod:`~lcpipe.stages.run_summary`
gather.smk                :mod:`~lcpipe.stages.gather`
shared                    :mod:`~lcpipe.stages.runner` (per-source loop, statuses, timings),
                          :mod:`~lcpipe.stages.shard_io`, :mod:`~lcpipe.stages.light_curves`,
                          :mod:`~lcpipe.stages.provenance`, :mod:`~lcpipe.stages.logs`
                          (packed light curves: :mod:`lcpipe.io.packed`)
========================  =====================================================================
"""
