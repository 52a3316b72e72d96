/* The two anomaly templates of tau = (t - t0) / teff and the rule for a template that is constant over a
   window; shared by ext/anomaly_scan.pyx and ext/window_quality.pyx. */
#ifndef LCPIPE_TEMPLATES_H
#define LCPIPE_TEMPLATES_H

#include <math.h>

/* Weighted variance of a template (dimensionless, O(1)) at or below which it is treated as
   constant in the window; lcpipe.kernels.anomaly_scan.DEGENERATE_VAR holds the same value. */
#define LCPIPE_DEGENERATE_VAR 1e-12

/* A0 = 1 / sqrt(Q), Q = 1 + tau^2. */
static inline double lcpipe_template_a0(double tau)
{
    return 1.0 / sqrt(1.0 + tau * tau);
}

/* A1 = (Q + 2) / sqrt(Q (Q + 4)): the PSPL magnification at u^2 = Q. */
static inline double lcpipe_template_a1(double tau)
{
    double q = 1.0 + tau * tau;
    return (q + 2.0) / sqrt(q * (q + 4.0));
}

#endif /* LCPIPE_TEMPLATES_H */
