/**
 * The demo company: Fabrikam, an AI-powered fashion app. Dates are laid out relative to
 * the day of seeding (three months back, three ahead) so the demo always looks current;
 * once seeded they are stored and never move.
 */
import { Roadmap, type EpicInput } from '../../../shared/roadmap';
import { addDays, dayNumber, dateOfDay } from '../../../shared/primitives';

export function monthStart(date: string, offset: number): string {
  const [y, m] = date.split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 + offset, 1));
  return d.toISOString().slice(0, 10);
}
const monthEnd = (start: string) => addDays(monthStart(start, 1), -1);
const monthName = (start: string) =>
  new Date(`${start}T00:00:00Z`).toLocaleString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });

/** What the simulator needs to know about each demo epic (the ground truth it plays out). */
export interface DemoTruth {
  epicId: string;
  /** share of active users who use the feature in its window */
  adoption: number;
  /** change in CSAT of the product after launch (points on 1–5) */
  satisfactionShift: number;
  /** epic's own CSAT mean */
  csat?: number;
  /** KPI lift (absolute) caused by the launch */
  kpiLift?: { name: string; lift: number };
  /** extra active days per 28 for adopters */
  engagementLift: number;
}

export interface DemoWorld {
  roadmap: Roadmap;
  truths: DemoTruth[];
  /** first day of simulated history */
  historyStart: string;
}

/** Fabrikam's roadmap as of `today` (YYYY-MM-DD). */
export function fabrikamWorld(today: string): DemoWorld {
  const m = [-3, -2, -1, 0, 1, 2].map((o) => monthStart(today, o));
  const milestones = m.map((start) => ({ id: start.slice(0, 7), name: monthName(start), start, end: monthEnd(start) }));
  const ms = milestones.map((x) => x.id);
  // ship days: early in the past milestones, so windows have closed (or, for the last, not yet)
  const ship = (monthIdx: number, day: number) => {
    const d = addDays(m[monthIdx], day - 1);
    return dayNumber(d) <= dayNumber(today) ? d : dateOfDay(dayNumber(today) - 1);
  };
  const adoption = (v: number, w = 28) => ({ metric: 'adoption_rate', op: '>=' as const, value: v, windowDays: w });
  const csat = (v: number) => ({ metric: 'csat', op: '>=' as const, value: v, windowDays: 28 });
  const kpi = (name: string, v: number) => ({ metric: `kpi:${name}`, op: '>=' as const, value: v, windowDays: 28 });
  const est = (reach: number, impact: number, confidence: number, eng: number, design: number, expectedAdoption: number) => ({
    reach,
    impact,
    confidence,
    effortWeeks: { engineering: eng, design },
    expectedAdoption,
  });

  const epics: EpicInput[] = [
    // --- shipped, measured ---
    { id: 'virtual-try-on', title: 'Virtual try-on', themeId: 'ai-styling', milestoneId: ms[0], status: 'shipped', shippedAt: ship(0, 6),
      description: 'See clothes on your own photo before buying.',
      signals: { events: ['Try-On Started'] }, targets: [adoption(0.15), csat(4.2), kpi('checkout_conversion', 0.002)],
      estimate: est(20000, 2, 0.8, 6, 2, 0.2) },
    { id: 'style-quiz', title: 'Style quiz onboarding', themeId: 'acquire', milestoneId: ms[0], status: 'shipped', shippedAt: ship(0, 12),
      description: 'A five-question quiz that seeds recommendations for new shoppers.',
      signals: { events: ['Style Quiz Completed'] }, targets: [adoption(0.25)], estimate: est(30000, 1, 0.8, 3, 2, 0.3) },
    { id: 'outfit-sharing', title: 'Outfit sharing', themeId: 'acquire', milestoneId: ms[0], status: 'shipped', shippedAt: ship(0, 20),
      description: 'Share a saved outfit to social apps with a referral link.',
      signals: { events: ['Outfit Shared'] }, targets: [adoption(0.1)], estimate: est(15000, 1, 0.5, 4, 2, 0.12) },
    { id: 'ai-stylist-chat', title: 'AI stylist chat', themeId: 'ai-styling', milestoneId: ms[1], status: 'shipped', shippedAt: ship(1, 4),
      description: 'Ask the stylist what to wear for an occasion and get shoppable looks.',
      signals: { events: ['Stylist Chat Started', 'Stylist Look Opened'] }, targets: [adoption(0.2), csat(4.0)],
      estimate: est(25000, 3, 0.5, 8, 3, 0.3) },
    { id: 'one-tap-checkout', title: 'One-tap checkout', themeId: 'checkout', milestoneId: ms[1], status: 'shipped', shippedAt: ship(1, 10),
      description: 'Saved payment and address: pay in one tap.',
      signals: { events: ['One-Tap Checkout Used'] }, targets: [adoption(0.12), kpi('checkout_conversion', 0.003)],
      estimate: est(18000, 2, 0.8, 5, 1, 0.15) },
    { id: 'wardrobe-sync', title: 'Wardrobe sync', themeId: 'retention', milestoneId: ms[1], status: 'shipped', shippedAt: ship(1, 16),
      description: 'Import past orders into a digital wardrobe.',
      signals: { events: ['Wardrobe Item Added'] }, targets: [adoption(0.15), { metric: 'satisfaction_lift', op: '>=', value: 0.05, windowDays: 28 }],
      estimate: est(12000, 1, 0.8, 4, 1, 0.18) },
    { id: 'size-advisor', title: 'AI size advisor', themeId: 'ai-styling', milestoneId: ms[2], status: 'shipped', shippedAt: ship(2, 3),
      description: 'Recommends the right size from fit feedback to cut returns.',
      signals: { events: ['Size Advice Shown'] }, targets: [adoption(0.3), csat(4.1)], estimate: est(28000, 2, 0.8, 6, 1, 0.35) },
    { id: 'price-drop-alerts', title: 'Price-drop alerts', themeId: 'retention', milestoneId: ms[2], status: 'shipped', shippedAt: ship(2, 14),
      description: 'Notify shoppers when a saved item gets cheaper.',
      signals: { events: ['Price Alert Opened'] }, targets: [adoption(0.1)], estimate: est(16000, 1, 0.8, 2, 1, 0.1) },
    { id: 'referral-rewards', title: 'Referral rewards', themeId: 'acquire', milestoneId: ms[3], status: 'shipped', shippedAt: ship(3, 2),
      description: 'Give 10%, get 10% for every friend who buys.',
      signals: { events: ['Referral Link Created'] }, targets: [adoption(0.08)], estimate: est(20000, 1, 0.5, 3, 1, 0.1) },
    // --- in progress ---
    { id: 'visual-search', title: 'Visual search', themeId: 'ai-styling', milestoneId: ms[3], status: 'in_progress',
      description: 'Snap a photo of an outfit and find similar items.',
      signals: { events: ['Visual Search Performed'] }, targets: [adoption(0.15)], estimate: est(22000, 2, 0.5, 7, 2, 0.18) },
    { id: 'apple-pay', title: 'Apple Pay and Google Pay', themeId: 'checkout', milestoneId: ms[3], status: 'in_progress',
      signals: { events: ['Wallet Pay Used'] }, targets: [adoption(0.1), kpi('checkout_conversion', 0.002)], estimate: est(15000, 1, 1, 3, 0.5, 0.12) },
    { id: 'loyalty-tiers', title: 'Loyalty tiers', themeId: 'retention', milestoneId: ms[3], status: 'in_progress',
      signals: { events: ['Loyalty Tier Viewed'] }, targets: [adoption(0.2)], estimate: est(18000, 1, 0.5, 5, 2, 0.2) },
    // --- planned ---
    { id: 'capsule-wardrobe', title: 'Capsule wardrobe planner', themeId: 'ai-styling', milestoneId: ms[4], status: 'planned',
      signals: { events: ['Capsule Planned'] }, targets: [adoption(0.12)], estimate: est(14000, 2, 0.5, 6, 3, 0.12) },
    { id: 'creator-storefronts', title: 'Creator storefronts', themeId: 'acquire', milestoneId: ms[4], status: 'planned',
      signals: { events: ['Storefront Viewed'] }, targets: [adoption(0.1)], estimate: est(40000, 2, 0.5, 8, 4, 0.1) },
    { id: 'saved-carts', title: 'Saved carts across devices', themeId: 'checkout', milestoneId: ms[4], status: 'planned',
      signals: { events: ['Cart Restored'] }, targets: [adoption(0.15)], estimate: est(20000, 1, 0.8, 3, 1, 0.15) },
    { id: 'weekly-looks-email', title: 'Weekly looks email', themeId: 'retention', milestoneId: ms[5], status: 'planned',
      signals: { events: ['Looks Email Clicked'] }, targets: [adoption(0.1)], estimate: est(35000, 0.5, 0.8, 2, 1, 0.1) },
    { id: 'occasion-planner', title: 'Occasion planner', themeId: 'ai-styling', milestoneId: ms[5], status: 'planned',
      signals: { events: ['Occasion Planned'] }, targets: [adoption(0.1)], estimate: est(12000, 1, 0.5, 5, 2, 0.1) },
    { id: 'gift-cards', title: 'Digital gift cards', themeId: 'acquire', status: 'planned',
      signals: { events: ['Gift Card Bought'] }, targets: [adoption(0.03)], estimate: est(8000, 1, 0.8, 3, 1, 0.03) },
    { id: 'returns-self-serve', title: 'Self-serve returns', themeId: 'checkout', status: 'planned',
      signals: { events: ['Return Started'] }, targets: [{ metric: 'csat', op: '>=', value: 4.0, windowDays: 28 }], estimate: est(10000, 1, 0.8, 4, 2, 0.05) },
    { id: 'ar-mirror', title: 'AR mirror (in-store)', themeId: 'ai-styling', status: 'cancelled',
      signals: { events: ['AR Mirror Session'] }, targets: [], estimate: est(3000, 3, 0.2, 20, 6, 0.02) },
  ];

  // follow-ups: what the monthly iterations decided after a measured outcome (the history is in history.ts)
  const followUps: Record<string, string> = { 'referral-rewards': 'outfit-sharing', 'occasion-planner': 'virtual-try-on', 'capsule-wardrobe': 'virtual-try-on', 'size-advisor': 'virtual-try-on', 'ar-mirror': 'virtual-try-on' };
  for (const e of epics) if (followUps[e.id]) e.followUpOf = followUps[e.id];

  const storiesFor: Record<string, string[]> = {
    'virtual-try-on': ['As a shopper I can upload a photo', 'As a shopper I see the garment on my photo', 'As a shopper I can compare two sizes'],
    'style-quiz': ['As a new shopper I answer five style questions', 'As a new shopper I see picks based on my answers'],
    'outfit-sharing': ['As a shopper I can share an outfit link', 'As a friend I can open a shared outfit without an account'],
    'ai-stylist-chat': ['As a shopper I can ask for an outfit for an occasion', 'As a shopper I can buy a suggested look'],
    'one-tap-checkout': ['As a returning shopper I pay with saved details', 'As a shopper I can change my saved address'],
    'wardrobe-sync': ['As a shopper my past orders appear in my wardrobe'],
    'size-advisor': ['As a shopper I see my recommended size', 'As a shopper I can tell how an item fit'],
    'price-drop-alerts': ['As a shopper I get notified when a saved item drops in price'],
    'referral-rewards': ['As a shopper I can invite a friend', 'As a friend I get a discount on my first order'],
    'visual-search': ['As a shopper I can search with a photo', 'As a shopper I can crop the item I want'],
    'apple-pay': ['As an iPhone shopper I can pay with Apple Pay'],
    'loyalty-tiers': ['As a loyal shopper I see my tier and perks'],
    'capsule-wardrobe': ['As a shopper I get a 10-piece capsule for a season'],
    'creator-storefronts': ['As a creator I can publish a storefront', 'As a shopper I can follow a creator'],
    'saved-carts': ['As a shopper my cart follows me across devices'],
  };
  const doneEpics = new Set(epics.filter((e) => e.status === 'shipped').map((e) => e.id));
  const stories = Object.entries(storiesFor).flatMap(([epicId, titles]) =>
    titles.map((title, i) => ({
      id: `${epicId}-${i + 1}`,
      epicId,
      title,
      status: doneEpics.has(epicId) ? ('done' as const) : i === 0 && epics.find((e) => e.id === epicId)?.status === 'in_progress' ? ('in_progress' as const) : ('todo' as const),
      points: [3, 5, 8][i % 3],
    })),
  );

  const roadmap = Roadmap.parse({
    mission: { statement: 'Help everyone dress with confidence' },
    themes: [
      { id: 'acquire', name: 'Acquire new customers', description: 'Grow the top of the funnel: referrals, sharing and onboarding that converts.' },
      { id: 'ai-styling', name: 'AI styling', description: 'Personal styling that makes shoppers confident about what to buy.' },
      { id: 'retention', name: 'Keep shoppers coming back', description: 'Reasons to return every week.' },
      { id: 'checkout', name: 'Frictionless checkout', description: 'Fewer steps between wanting and owning.' },
    ],
    milestones,
    epics,
    stories,
  });

  // the ground truth the simulator plays out; outfit sharing and price-drop alerts are null effects
  const truths: DemoTruth[] = [
    { epicId: 'virtual-try-on', adoption: 0.24, satisfactionShift: 0.12, csat: 4.4, kpiLift: { name: 'checkout_conversion', lift: 0.004 }, engagementLift: 2.5 },
    { epicId: 'style-quiz', adoption: 0.31, satisfactionShift: 0.03, engagementLift: 1.2 },
    { epicId: 'outfit-sharing', adoption: 0.031, satisfactionShift: 0, engagementLift: 0 },
    { epicId: 'ai-stylist-chat', adoption: 0.17, satisfactionShift: 0.05, csat: 3.8, engagementLift: 1.5 },
    { epicId: 'one-tap-checkout', adoption: 0.19, satisfactionShift: 0.04, kpiLift: { name: 'checkout_conversion', lift: 0.005 }, engagementLift: 0.8 },
    { epicId: 'wardrobe-sync', adoption: 0.16, satisfactionShift: 0.08, engagementLift: 1.0 },
    { epicId: 'size-advisor', adoption: 0.36, satisfactionShift: 0.1, csat: 4.3, engagementLift: 1.0 },
    { epicId: 'price-drop-alerts', adoption: 0.07, satisfactionShift: 0, engagementLift: 0 },
    { epicId: 'referral-rewards', adoption: 0.11, satisfactionShift: 0.02, engagementLift: 0.5 },
  ];
  return { roadmap, truths, historyStart: addDays(m[0], -35) };
}
