"""Reference values for the Newey-West mean-shift test (test/unit/stats.test.ts), computed once
with statsmodels: OLS of y on [1, after] with HAC(Bartlett, maxlags=7, use_correction=True)
and t with n-2 df. Run: python3 test/helpers/newey-west-fixtures.py > test/helpers/newey-west-fixtures.json"""
import json
import numpy as np
import statsmodels
import statsmodels.api as sm

rng = np.random.default_rng(20261129)

def ar1(n, phi, scale=1.0, mean=0.0):
    e = np.zeros(n + 50)
    z = rng.normal(size=n + 50)
    for t in range(1, n + 50):
        e[t] = phi * e[t - 1] + z[t]
    return (mean + scale * e[50:]).round(6)

cases = []
def add(name, y, n_before):
    y = np.asarray(y, dtype=float)
    d = np.r_[np.zeros(n_before), np.ones(len(y) - n_before)]
    fit = sm.OLS(y, sm.add_constant(d)).fit(cov_type='HAC', cov_kwds={'maxlags': 7, 'use_correction': True}, use_t=True)
    lo, hi = fit.conf_int(0.05)[1]
    cases.append({'name': name, 'values': y.tolist(), 'nBefore': n_before, 'lift': fit.params[1], 'se': fit.bse[1],
                  'pValue': fit.pvalues[1], 'ci95': [lo, hi]})

add('alternating pre/post (the outcome test series)', [0.029 if i % 2 == 0 else 0.031 for i in range(28)] + [0.035 if i % 2 == 0 else 0.037 for i in range(28)], 28)
add('AR(1) phi=0.6, 28 + 28 days, no shift', ar1(56, 0.6, 0.002, 0.03), 28)
add('AR(1) phi=0.3, 28 + 28 days, shift +0.004', ar1(56, 0.3, 0.002, 0.03) + np.r_[np.zeros(28), 0.004 * np.ones(28)], 28)
add('linear trend + noise, 20 + 35 days', (0.03 + 0.0002 * np.arange(55) + rng.normal(scale=0.001, size=55)).round(6), 20)
add('short: 5 + 5 days', ar1(10, 0.5, 1.0, 10.0), 5)
add('AR(1) phi=0.8, 90 + 90 days', ar1(180, 0.8, 0.5, 100.0), 90)
print(json.dumps({'generatedWith': f'statsmodels {statsmodels.__version__}', 'lags': 7, 'cases': cases}))
