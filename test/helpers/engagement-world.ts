/**
 * Simulated worlds for calibrating the engagement comparison: users with heterogeneous daily
 * activity, adoption that favours active users (a user can adopt only on an active day, and the
 * chance per active day rises with the user's propensity), and an optional planted effect.
 */
import { prng } from '../../functions/src/demo/simulate';
import type { UserActivity } from '../../shared/outcome-types';
import { addDays, dayNumber } from '../../shared/primitives';

export interface EngagementWorldOptions {
  seed: number;
  users?: number;
  /** ship day */
  shippedAt: string;
  windowDays?: number;
  /** extra active days per 14 days after first use (0 = no effect) */
  effectPer14Days?: number;
  /** chance of adopting on an active day, at the median propensity */
  hazard?: number;
  /** how steeply the per-active-day chance rises with the propensity: hazard·(p/median)^γ */
  gamma?: number;
}

/** The users of one world and the days it covers (pre-window through window + 14 days). */
export function engagementWorld(o: EngagementWorldOptions): { users: UserActivity[]; lastDay: string } {
  const rnd = prng(o.seed);
  const W = o.windowDays ?? 28;
  const S = dayNumber(o.shippedAt);
  const from = S - W;
  const to = S + W - 1 + 14;
  const median = 0.2;
  const hazard = o.hazard ?? 0.03;
  const gamma = o.gamma ?? 1;
  const lift = (o.effectPer14Days ?? 0) / 14;
  const users: UserActivity[] = [];
  for (let i = 0; i < (o.users ?? 1500); i++) {
    const p = Math.min(0.9, median * Math.exp(0.7 * rnd.normal()));
    const h = Math.min(1, hazard * (p / median) ** gamma);
    const active = new Set<number>();
    const use = new Set<number>();
    let adopted = -1;
    for (let d = from; d <= to; d++) {
      const q = adopted !== -1 && d > adopted ? Math.min(1, p + lift) : p;
      if (rnd.next() >= q) continue;
      active.add(d);
      if (d >= S && d <= S + W - 1 && (adopted !== -1 || rnd.next() < h)) {
        if (adopted === -1) adopted = d;
        use.add(d);
      }
    }
    users.push({ active, usage: new Map(use.size ? [['ev:Feature Used', use]] : []) });
  }
  return { users, lastDay: addDays(o.shippedAt, W - 1 + 14) };
}
