"""Candidate tests for the KPI lift (difference of the mean daily value, W = 28 days before vs
28 after) on simulated autocorrelated series: how often p < 0.05 when nothing changed, how often
the interval covers a planted step, how often the placebo finds a linear trend. This is the
comparison behind the choice in README "KPI lift" (EWC per side); the TypeScript figures come from
scripts/outcome-calibration.ts. numpy + scipy only; about a minute.
Run: python3 scripts/kpi-lift-candidates.py [reps]"""
import sys
import numpy as np
from scipy import stats

R = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
N0 = N1 = 28
n = N0 + N1
D = np.r_[np.zeros(N0), np.ones(N1)]
c = np.where(D == 1, 1 / N1, -1 / N0)  # lift = sum c_t y_t; its score is c_t e_t
rng = np.random.default_rng(20261129)


def ar1(phi, R=R):
    z = rng.normal(size=(R, n))
    e = np.empty((R, n))
    e[:, 0] = z[:, 0] / np.sqrt(1 - phi ** 2)
    for t in range(1, n):
        e[:, t] = phi * e[:, t - 1] + z[:, t]
    return e


def nw_var(psi, lags):
    v = (psi ** 2).sum(1)
    for l in range(1, lags + 1):
        v += 2 * (1 - l / (lags + 1)) * (psi[:, l:] * psi[:, :-l]).sum(1)
    return v


def kv_cv(b):  # Kiefer & Vogelsang (2005), Bartlett kernel, two-sided 5%
    return 1.9600 + 2.9694 * b + 0.4160 * b ** 2 - 0.5324 * b ** 3


def ewc_mean_var(seg, nu):  # EWC long-run variance of a side's mean (type-II cosines)
    m = seg.shape[1]
    e = seg - seg.mean(1, keepdims=True)
    t = np.arange(m)
    lam = np.array([np.sqrt(2 / m) * (e * np.cos(np.pi * j * (t + 0.5) / m)).sum(1) for j in range(1, nu + 1)])
    return (lam ** 2).mean(0) / m


def full(x, R):
    return np.full(R, x)


def methods(y):
    R = len(y)
    a, b = y[:, :N0], y[:, N0:]
    lift = b.mean(1) - a.mean(1)
    e = np.c_[a - a.mean(1, keepdims=True), b - b.mean(1, keepdims=True)]
    psi = c * e
    out = {}
    v0, v1 = a.var(1, ddof=1) / N0, b.var(1, ddof=1) / N1
    out['Welch (independent days)'] = (lift, np.sqrt(v0 + v1), stats.t.ppf(.975, (v0 + v1) ** 2 / (v0 ** 2 / (N0 - 1) + v1 ** 2 / (N1 - 1))))
    out['Newey-West as defined (7 lags, n/(n-2), t(n-2))'] = (lift, np.sqrt(nw_var(psi, 7) * n / (n - 2)), full(stats.t.ppf(.975, n - 2), R))
    S = int(round(1.3 * np.sqrt(n)))
    out['NW, LLSW truncation 1.3*sqrt(n), fixed-b'] = (lift, np.sqrt(nw_var(psi, S - 1)), full(kv_cv(S / n), R))
    # AR(1) coefficient of the residuals within each side (not across the split)
    r = ((e[:, 1:N0] * e[:, :N0 - 1]).sum(1) + (e[:, N0 + 1:] * e[:, N0:-1]).sum(1)) / ((e[:, :N0 - 1] ** 2).sum(1) + (e[:, N0:-1] ** 2).sum(1))
    r_bc = r + (1 + 3 * r) / (n / 2)  # Kendall / Marriott-Pope bias correction, a mean per 28-day side
    for name, rr in [('(a) AR(1) prewhitened NW(7), fixed-b', r), ('(b) (a) with bias-corrected AR(1)', r_bc)]:
        rr = np.clip(rr, -0.97, 0.97)
        v = psi[:, 1:] - rr[:, None] * psi[:, :-1]
        out[name] = (lift, np.sqrt(nw_var(v, 7) / (1 - rr) ** 2), full(kv_cv(8 / (n - 1)), R))
    rr = np.clip(r_bc, -0.97, 0.97)
    s2 = ((e[:, 1:] - rr[:, None] * e[:, :-1]) ** 2).sum(1) / (n - 3)
    L = np.abs(np.arange(n)[:, None] - np.arange(n)[None, :])
    q = np.array([(np.outer(c, c) * p ** L).sum() for p in rr])
    out['(b2) parametric AR(1) variance, bias-corrected, t(n-3)'] = (lift, np.sqrt(s2 / (1 - rr ** 2) * q), full(stats.t.ppf(.975, n - 3), R))
    rr = np.clip(r, -0.97, 0.97)
    X = np.c_[np.ones(n), D]
    est, se = np.empty(R), np.empty(R)
    for i in range(R):
        p = rr[i]
        ys = np.r_[np.sqrt(1 - p * p) * y[i, 0], y[i, 1:] - p * y[i, :-1]]
        Xs = np.r_[[np.sqrt(1 - p * p) * X[0]], X[1:] - p * X[:-1]]
        beta, *_ = np.linalg.lstsq(Xs, ys, rcond=None)
        res = ys - Xs @ beta
        est[i], se[i] = beta[1], np.sqrt(res @ res / (n - 3) * np.linalg.inv(Xs.T @ Xs)[1, 1])
    out['(c) Prais-Winsten FGLS, t(n-3)'] = (est, se, full(stats.t.ppf(.975, n - 3), R))
    nu = int(np.floor(0.4 * n ** (2 / 3)))
    t = np.arange(n)
    lam = np.array([np.sqrt(2 / n) * (psi * np.cos(np.pi * j * (t + 0.5) / n)).sum(1) for j in range(1, nu + 1)])
    out[f'(d) EWC on the regression score, nu={nu}, t(nu)'] = (lift, np.sqrt(n * (lam ** 2).mean(0)), full(stats.t.ppf(.975, nu), R))
    for nu in [3, 4]:
        va, vb = ewc_mean_var(a, nu), ewc_mean_var(b, nu)
        label = f'(e) EWC per side, nu={nu}' + (' = floor(0.4*28^(2/3)) [used]' if nu == 3 else '') + ', Welch-Satterthwaite df'
        out[label] = (lift, np.sqrt(va + vb), stats.t.ppf(.975, (va + vb) ** 2 / (va ** 2 / nu + vb ** 2 / nu)))
    return out


def rates(y, step=0.0):
    return {k: (np.mean(np.abs(est / se) > cv), np.mean(np.abs(est - step) / se <= cv)) for k, (est, se, cv) in methods(y).items()}


cols = []
for phi in [0, 0.3, 0.6, 0.8]:
    cols.append((f'p<.05 phi={phi}', {k: v[0] for k, v in rates(ar1(phi)).items()}))
for step in [1.5, 4.0]:
    r = rates(ar1(0.6) + step * D, step)
    cols.append((f'step {step}: cover', {k: v[1] for k, v in r.items()}))
    cols.append((f'step {step}: p<.05', {k: v[0] for k, v in r.items()}))
for slope in [0.1, 0.15, 0.2]:
    cols.append((f'trend {slope}/day', {k: v[0] for k, v in rates(ar1(0.6) + slope * np.arange(n)).items()}))
print(f'{R} series per column, 28 + 28 days, unit innovations; step/trend at phi = 0.6 (trend: the placebo)')
print('| method | ' + ' | '.join(h for h, _ in cols) + ' |')
print('|---' * (len(cols) + 1) + '|')
for k in cols[0][1]:
    print(f'| {k} | ' + ' | '.join(f'{100 * col[k]:.1f}%' for _, col in cols) + ' |')
