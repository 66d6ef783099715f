"""Reference values for the EWC mean-shift test (meanShiftEwc in shared/stats.ts), computed once
with numpy/scipy, independently of the TypeScript: per side the residuals' type-II DCT
(scipy.fft.dct, X_j = 2*sum_t e_t cos(pi*j*(t+1/2)/m)), Lambda_j = sqrt(2/m)*X_j/2 for
j = 1..nu, nu = floor(0.4*m^(2/3)), Var(mean) = mean(Lambda_j^2)/m; the two sides combined as
in Welch (Satterthwaite df = (V0+V1)^2/(V0^2/nu0 + V1^2/nu1)), scipy.stats.t for CI and p.
Series with a gap use the cosines at the day positions (no DCT for unevenly spaced days).
Run: python3 test/helpers/ewc-fixtures.py > test/helpers/ewc-fixtures.json"""
import json
import numpy as np
import scipy
from scipy import fft, stats

rng = np.random.default_rng(20261129)

def ar1(n, phi, scale=1.0, mean=0.0):
    e = np.zeros(n + 50)
    z = rng.normal(size=n + 50)
    for t in range(1, n + 50):
        e[t] = phi * e[t - 1] + z[t]
    return (mean + scale * e[50:]).round(6)

def terms(m):
    return int(max(1, min(m - 1, np.floor(0.4 * m ** (2 / 3)))))

def side_var(days, y):
    m = len(y)
    nu = terms(m)
    e = y - y.mean()
    span = days[-1] - days[0] + 1
    if span == m:  # complete: type-II DCT
        lam = np.sqrt(2 / m) * fft.dct(e, type=2)[1:nu + 1] / 2
    else:
        k = days - days[0]
        lam = np.array([np.sqrt(2 / m) * np.sum(np.cos(np.pi * j * (k + 0.5) / span) * e) for j in range(1, nu + 1)])
    return np.mean(lam ** 2) / m, nu

cases = []
def add(name, y, n_before, days=None):
    y = np.asarray(y, dtype=float)
    days = np.arange(len(y)) if days is None else np.asarray(days)
    split = days[n_before]
    b, a = days < split, days >= split
    v0, nu0 = side_var(days[b], y[b])
    v1, nu1 = side_var(days[a], y[a])
    lift = y[a].mean() - y[b].mean()
    se = np.sqrt(v0 + v1)
    df = (v0 + v1) ** 2 / (v0 ** 2 / nu0 + v1 ** 2 / nu1)
    q = stats.t.ppf(0.975, df)
    cases.append({'name': name, 'values': y.tolist(), 'days': days.tolist(), 'splitDay': int(split), 'lift': lift, 'se': se,
                  'df': df, 'terms': [nu0, nu1], 'pValue': 2 * stats.t.sf(abs(lift / se), df), 'ci95': [lift - q * se, lift + q * se]})

add('alternating pre/post (the outcome test series)', [0.029 if i % 2 == 0 else 0.031 for i in range(28)] + [0.035 if i % 2 == 0 else 0.037 for i in range(28)], 28)
add('AR(1) phi=0.6, 28 + 28 days, no shift', ar1(56, 0.6, 0.002, 0.03), 28)
add('AR(1) phi=0.3, 28 + 28 days, shift +0.004', ar1(56, 0.3, 0.002, 0.03) + np.r_[np.zeros(28), 0.004 * np.ones(28)], 28)
add('linear trend + noise, 20 + 35 days', (0.03 + 0.0002 * np.arange(55) + rng.normal(scale=0.001, size=55)).round(6), 20)
add('short: 14 + 14 days', ar1(28, 0.5, 1.0, 10.0), 14)
add('short: 5 + 5 days', ar1(10, 0.5, 1.0, 10.0), 5)
add('AR(1) phi=0.8, 90 + 90 days', ar1(180, 0.8, 0.5, 100.0), 90)
y = ar1(56, 0.6, 0.002, 0.03)
keep = np.ones(56, bool); keep[[3, 4, 17, 30, 41, 42, 43, 55]] = False
add('AR(1) phi=0.6, 28 + 28 days with 8 missing days', y[keep], int(keep[:28].sum()), np.arange(56)[keep])
print(json.dumps({'generatedWith': f'numpy {np.__version__}, scipy {scipy.__version__}', 'cases': cases}))
