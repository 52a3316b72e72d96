# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Weighted sums of the morphology fit's event templates, one template at a time (no (M, n) array).

For each template m with peak time ``t0[m]``, width ``width[m]``, shape ``shape[m]`` and divisor
``norm[m]`` (unit-peak scale), ``g_i = template(t_i) / norm[m]`` and the sums are ``sum w g``,
``sum w g^2``, ``sum w g y`` and ``max g``. Template codes: 0 Gaussian, 1 skewed Gaussian, 2 Paczynski
(2.5 log10 A(u) up to the constant), 3 FRED. Times sorted; arrays float64 C-contiguous;
``lcpipe.kernels.dips_profiles`` holds the NumPy reference.

Exponential templates are exactly 0.0 in double precision where their exponent is below -745, so the
sums skip the points where it is below -EXPONENT (Gaussians: |t - t0| > 40 widths; FRED: more than 800
rise or decay times from the peak), found by binary search: the same sums, bit for bit, in time
proportional to the points a narrow template covers. The Paczynski template has power-law wings and is
summed everywhere.
"""

from libc.math cimport exp, erf, log, sqrt, INFINITY

#: Exponent below which a template is 0.0 in double precision (exp(-800) == 0.0; exp(-745) is the
#: smallest subnormal), and the Gaussian's |t - t0| / width there.
cdef double EXPONENT = 800.0
cdef double GAUSS_CUTOFF = 40.0


cdef inline double template(int code, double t, double t0, double width, double shape) noexcept nogil:
    cdef double z, u2, dt
    if code == 0:
        z = (t - t0) / width
        return exp(-0.5 * z * z)
    if code == 1:
        z = (t - t0) / width
        return exp(-0.5 * z * z) * (1.0 + erf(shape * z / sqrt(2.0)))
    if code == 2:
        z = (t - t0) / width
        u2 = shape * shape + z * z
        return log((u2 + 2.0) / sqrt(u2 * (u2 + 4.0)))
    dt = t - t0
    if dt < 0.0:
        return exp(dt / (width * shape))
    return exp(-dt / width)


cdef Py_ssize_t lower_bound(const double[::1] t, double value) noexcept nogil:
    """First index with t[index] >= value (t sorted; t.shape[0] when none)."""
    cdef Py_ssize_t lo = 0, hi = t.shape[0], mid
    while lo < hi:
        mid = (lo + hi) // 2
        if t[mid] < value:
            lo = mid + 1
        else:
            hi = mid
    return lo


def template_sums(int code, const double[::1] t, const double[::1] y, const double[::1] w,
                  const double[::1] t0, const double[::1] width, const double[::1] shape,
                  const double[::1] norm, double[::1] swg, double[::1] swgg, double[::1] swgy,
                  double[::1] gmax):
    """Fill ``swg``, ``swgg``, ``swgy`` and ``gmax`` (shape (M,)) for the M templates."""
    cdef Py_ssize_t m, i, first, last, n = t.shape[0], n_templates = t0.shape[0]
    cdef double g, a, b, c, top
    if code < 0 or code > 3:
        raise ValueError(f"unknown template code {code}")
    with nogil:
        for m in range(n_templates):
            a = 0.0
            b = 0.0
            c = 0.0
            top = -INFINITY
            first = 0
            last = n
            if code == 0 or code == 1:
                first = lower_bound(t, t0[m] - GAUSS_CUTOFF * width[m])
                last = lower_bound(t, t0[m] + GAUSS_CUTOFF * width[m])
            elif code == 3:
                first = lower_bound(t, t0[m] - EXPONENT * width[m] * shape[m])
                last = lower_bound(t, t0[m] + EXPONENT * width[m])
            if first > 0 or last < n:
                top = 0.0  # the skipped points' value
            for i in range(first, last):
                g = template(code, t[i], t0[m], width[m], shape[m]) / norm[m]
                a += w[i] * g
                b += w[i] * g * g
                c += w[i] * g * y[i]
                if g > top:
                    top = g
            swg[m] = a
            swgg[m] = b
            swgy[m] = c
            gmax[m] = top
