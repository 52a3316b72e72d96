/* Window sums of the two anomaly templates (ext/anomaly_scan.pyx): a scalar loop and an AVX2 + FMA
   loop chosen at run time; the caller can force the scalar one. */
#ifndef LCPIPE_ANOMALY_SCAN_SUMS_H
#define LCPIPE_ANOMALY_SCAN_SUMS_H

#include <math.h>
#include <stddef.h>
#include "templates.h"
#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__)
#define LCPIPE_HAVE_AVX2_PATH 1
#include <immintrin.h>
#endif

/* Weighted sums over one window for both templates, shifted by c0, c1 (values of A0, A1 near the
   window's middle) so that the variance of A is not a difference of two large numbers:
   out = {sum w d0, sum w d0^2, sum w d0 e, sum w d1, sum w d1^2, sum w d1 e, sum w e}
   with d = A - c and e = r - mu.  One pass for both templates from the same Q:
   rs = 1/sqrt(Q(Q+4)), A1 = (Q+2) rs, A0 = sqrt(Q+4) rs. */
static void lcpipe_sums_scalar(const double *t, const double *r, const double *w, ptrdiff_t lo,
                               ptrdiff_t hi, double t0, double inv_teff, double mu, double c0,
                               double c1, double *out)
{
    double s0 = 0, s00 = 0, s0e = 0, s1 = 0, s11 = 0, s1e = 0, se = 0;
    for (ptrdiff_t i = lo; i < hi; ++i) {
        double tau = (t[i] - t0) * inv_teff;
        double q = 1.0 + tau * tau;
        double rs = 1.0 / sqrt(q * (q + 4.0));
        double d1 = (q + 2.0) * rs - c1;
        double d0 = sqrt(q + 4.0) * rs - c0;
        double wi = w[i];
        double e = r[i] - mu;
        s0 += wi * d0; s00 += wi * d0 * d0; s0e += wi * d0 * e;
        s1 += wi * d1; s11 += wi * d1 * d1; s1e += wi * d1 * e;
        se += wi * e;
    }
    out[0] = s0; out[1] = s00; out[2] = s0e; out[3] = s1; out[4] = s11; out[5] = s1e; out[6] = se;
}

/* Whether this build and CPU have the vector loop. */
static int lcpipe_has_vector_path(void)
{
#ifdef LCPIPE_HAVE_AVX2_PATH
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}

#ifdef LCPIPE_HAVE_AVX2_PATH
/* The same sums four points at a time (AVX2 + FMA); the tail goes through the scalar loop. */
__attribute__((target("avx2,fma")))
static void lcpipe_sums_avx2(const double *t, const double *r, const double *w, ptrdiff_t lo,
                             ptrdiff_t hi, double t0, double inv_teff, double mu, double c0,
                             double c1, double *out)
{
    const __m256d vt0 = _mm256_set1_pd(t0), vinv = _mm256_set1_pd(inv_teff);
    const __m256d vmu = _mm256_set1_pd(mu), vc0 = _mm256_set1_pd(c0), vc1 = _mm256_set1_pd(c1);
    const __m256d one = _mm256_set1_pd(1.0), two = _mm256_set1_pd(2.0), four = _mm256_set1_pd(4.0);
    __m256d s0 = _mm256_setzero_pd(), s00 = s0, s0e = s0, s1 = s0, s11 = s0, s1e = s0, se = s0;
    ptrdiff_t i = lo;
    for (; i + 4 <= hi; i += 4) {
        __m256d tau = _mm256_mul_pd(_mm256_sub_pd(_mm256_loadu_pd(t + i), vt0), vinv);
        __m256d q = _mm256_fmadd_pd(tau, tau, one);
        __m256d q4 = _mm256_add_pd(q, four);
        __m256d rs = _mm256_div_pd(one, _mm256_sqrt_pd(_mm256_mul_pd(q, q4)));
        __m256d d1 = _mm256_fmsub_pd(_mm256_add_pd(q, two), rs, vc1);
        __m256d d0 = _mm256_fmsub_pd(_mm256_sqrt_pd(q4), rs, vc0);
        __m256d wi = _mm256_loadu_pd(w + i);
        __m256d e = _mm256_sub_pd(_mm256_loadu_pd(r + i), vmu);
        __m256d wd0 = _mm256_mul_pd(wi, d0), wd1 = _mm256_mul_pd(wi, d1);
        s0 = _mm256_add_pd(s0, wd0);
        s00 = _mm256_fmadd_pd(wd0, d0, s00);
        s0e = _mm256_fmadd_pd(wd0, e, s0e);
        s1 = _mm256_add_pd(s1, wd1);
        s11 = _mm256_fmadd_pd(wd1, d1, s11);
        s1e = _mm256_fmadd_pd(wd1, e, s1e);
        se = _mm256_fmadd_pd(wi, e, se);
    }
    double lane[4], tail[7];
    __m256d acc[7] = {s0, s00, s0e, s1, s11, s1e, se};
    lcpipe_sums_scalar(t, r, w, i, hi, t0, inv_teff, mu, c0, c1, tail);
    for (int k = 0; k < 7; ++k) {
        _mm256_storeu_pd(lane, acc[k]);
        out[k] = ((lane[0] + lane[1]) + (lane[2] + lane[3])) + tail[k];
    }
}
#endif

/* The vector loop when allowed (vector != 0) and the CPU has AVX2 and FMA, else the scalar loop. */
static void lcpipe_window_template_sums(const double *t, const double *r, const double *w,
                                        ptrdiff_t lo, ptrdiff_t hi, double t0, double inv_teff,
                                        double mu, double c0, double c1, int vector, double *out)
{
#ifdef LCPIPE_HAVE_AVX2_PATH
    if (vector && lcpipe_has_vector_path()) {
        lcpipe_sums_avx2(t, r, w, lo, hi, t0, inv_teff, mu, c0, c1, out);
        return;
    }
#endif
    lcpipe_sums_scalar(t, r, w, lo, hi, t0, inv_teff, mu, c0, c1, out);
}


/* Cell moments of one season for the cell sums (ext/anomaly_scan.pyx, lcpipe/kernels/scan_cells.py):
   point i of [a, b) lies in cell c = floor((t - first) / step) (clamped to [0, n_cells)) at
   u = ((t - first) - c step) / step; mom[c * 18 + k] = sum w u^k and mom[c * 18 + 9 + k] = sum w r u^k
   (k = 0..8); cell_start[c] is the first point of a cell >= c (cell_start[n_cells] = b). Points are
   time-sorted, so each cell is one run, summed in registers. */
static inline ptrdiff_t lcpipe_cell_of(double t, double first, double step, ptrdiff_t n_cells)
{
    double x = floor((t - first) / step);
    if (x < 0.0) return 0;
    if (x >= (double)n_cells) return n_cells - 1;
    return (ptrdiff_t)x;
}

static void lcpipe_cell_moments(const double *t, const double *r, const double *w, ptrdiff_t a,
                                ptrdiff_t b, double first, double step, ptrdiff_t n_cells, double *mom,
                                long long *cell_start)
{
    ptrdiff_t filled = 0, i = a;
    for (ptrdiff_t c = 0; c < n_cells * 18; ++c) mom[c] = 0.0;
    while (i < b) {
        ptrdiff_t c = lcpipe_cell_of(t[i], first, step, n_cells);
        while (filled <= c) cell_start[filled++] = i;
        double inv = 1.0 / step;
        double m[18] = {0};
        for (; i < b && lcpipe_cell_of(t[i], first, step, n_cells) == c; ++i) {
            double u = ((t[i] - first) - c * step) * inv;
            double wi = w[i], wr = wi * r[i];
            double u2 = u * u, u4 = u2 * u2;
            double p[9] = {1.0, u, u2, u2 * u, u4, u4 * u, u4 * u2, u4 * u2 * u, u4 * u4};
            for (int k = 0; k < 9; ++k) {
                m[k] += wi * p[k];
                m[9 + k] += wr * p[k];
            }
        }
        for (int k = 0; k < 18; ++k) mom[c * 18 + k] = m[k];
    }
    while (filled <= n_cells) cell_start[filled++] = b;
}

/* Inner-cell part of a window's sums: cells [c_a, c_b) of centre j, tables (4, n_tab, 9) at offset
   c - j + n_off; out = {sum w (A0-1), sum w (A0-1)^2, sum w rc (A0-1), sum w (A1-1), sum w (A1-1)^2,
   sum w rc (A1-1), sum w, sum w rc}. */
static void lcpipe_inner_cells(const double *mom, const double *tables, ptrdiff_t n_tab, ptrdiff_t c_a,
                               ptrdiff_t c_b, ptrdiff_t j, ptrdiff_t n_off, double *out)
{
    double s0 = 0, s00 = 0, s0r = 0, s1 = 0, s11 = 0, s1r = 0, sw = 0, swr = 0;
    for (ptrdiff_t c = c_a; c < c_b; ++c) {
        const double *row = mom + c * 18;
        ptrdiff_t d = c - j + n_off;
        const double *f0 = tables + d * 9, *f1 = tables + (n_tab + d) * 9;
        const double *f2 = tables + (2 * n_tab + d) * 9, *f3 = tables + (3 * n_tab + d) * 9;
        for (int k = 0; k < 9; ++k) {
            s0 += f0[k] * row[k];
            s00 += f1[k] * row[k];
            s0r += f0[k] * row[9 + k];
            s1 += f2[k] * row[k];
            s11 += f3[k] * row[k];
            s1r += f2[k] * row[9 + k];
        }
        sw += row[0];
        swr += row[9];
    }
    out[0] = s0; out[1] = s00; out[2] = s0r; out[3] = s1; out[4] = s11; out[5] = s1r; out[6] = sw;
    out[7] = swr;
}

#endif /* LCPIPE_ANOMALY_SCAN_SUMS_H */
