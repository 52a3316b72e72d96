# lcpipe: event search in survey light curves, per magnitude bin.
#   manifest → tag → PSPL fit → anomaly scan → dip events → filter → characterize → vetting → classify
# Configuration: config/config.yaml (documented in workflow/schemas/config.schema.yaml).


from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


include: "rules/common.smk"
include: "rules/demo.smk"
include: "rules/manifest.smk"
include: "rules/tag.smk"
include: "rules/microlensing.smk"
include: "rules/dips.smk"
include: "rules/gather.smk"
include: "rules/ltv.smk"
include: "rules/after_detection.smk"
include: "rules/classify.smk"
include: "rules/evaluation.smk"
include: "rules/summary.smk"


rule all:
    default_target: True
    input:
        final_outputs(),
