/**
 * The pure review composition and its renderings (Markdown, Slack, Teams, e-mail), and the digest
 * periods. Inputs are built by hand so every expected value is known.
 */
import { describe, expect, it } from 'vitest';
import { dueMonth, dueWeek, emailHtml, emailText, isoWeek, maskUrl, reviewDigest, slackPayload, teamsPayload, webhookFormat, windowClosedAlert } from '../../shared/digest';
import type { Iteration } from '../../shared/iteration';
import { composeMonthlyReview, mdEscape, monthBounds, previousMonth, reviewAsOf, reviewMarkdown, type ComposeReviewInput } from '../../shared/monthly-review';
import type { Outcome } from '../../shared/outcome-types';
import type { Roadmap } from '../../shared/roadmap';

const BASE = 'https://sextant.example.com';

const roadmap: Roadmap = {
  mission: { statement: 'm' },
  themes: [
    { id: 'ai', name: 'AI styling' },
    { id: 'acq', name: 'Acquire' },
  ],
  milestones: [
    { id: '2026-10', name: 'October 2026', start: '2026-10-01', end: '2026-10-31' },
    { id: '2026-11', name: 'November 2026', start: '2026-11-01', end: '2026-11-30' },
  ],
  epics: [
    { id: 'try-on', title: 'Virtual try-on', themeId: 'ai', milestoneId: '2026-10', status: 'shipped', shippedAt: '2026-09-10', signals: { events: [] }, targets: [{ metric: 'adoption_rate', op: '>=', value: 0.15, windowDays: 28 }] },
    { id: 'sharing', title: 'Outfit sharing <beta>', themeId: 'acq', milestoneId: '2026-10', status: 'shipped', shippedAt: '2026-09-20', signals: { events: [] }, targets: [{ metric: 'adoption_rate', op: '>=', value: 0.1, windowDays: 28 }] },
    { id: 'quiz', title: 'Style quiz', themeId: 'acq', milestoneId: '2026-10', status: 'shipped', shippedAt: '2026-10-20', signals: { events: [] }, targets: [{ metric: 'adoption_rate', op: '>=', value: 0.2, windowDays: 28 }] },
    { id: 'referrals', title: 'Referral rewards', themeId: 'acq', milestoneId: '2026-11', status: 'planned', followUpOf: 'sharing', signals: { events: [] }, targets: [], estimate: { reach: 1, impact: 1, confidence: 1, effortWeeks: { engineering: 3, design: 1 } } },
    { id: 'capsule', title: 'Capsule', themeId: 'ai', milestoneId: '2026-11', status: 'in_progress', signals: { events: [] }, targets: [], estimate: { reach: 1, impact: 1, confidence: 1, effortWeeks: { engineering: 5, design: 2.5 } } },
  ],
  stories: [],
};

function outcome(epicId: string, shippedAt: string, verdict: Outcome['verdict'], rate: number, target: number, status: 'met' | 'missed' | 'pending', confident: boolean): Outcome {
  return {
    epicId,
    asOf: '2026-10-31',
    shippedAt,
    windowDays: 28,
    windowEnd: null,
    verdict,
    verdictReason: '',
    confounded: false,
    overlaps: [],
    adoption: { adopters: 100, activeUsers: 500, rate, ci95: null, series: [] },
    satisfaction: { csat: null, nps: null, productCsat: null },
    kpis: [],
    engagement: null,
    targets: [{ metric: 'adoption_rate', op: '>=', value: target, windowDays: 28, actual: rate, status, confident }],
    distinctCounts: 'exact',
  };
}

const outcomes = [
  outcome('try-on', '2026-09-10', 'met', 0.24, 0.15, 'met', true),
  outcome('sharing', '2026-09-20', 'missed', 0.031, 0.1, 'missed', false),
  outcome('quiz', '2026-10-20', 'too_early', 0.3, 0.2, 'pending', false),
];

const iteration = (id: string, asOf: string, rm: Roadmap, outs: Outcome[] = []): Iteration => ({
  id,
  name: id,
  asOf,
  createdAt: `${asOf}T08:00:00.000Z`,
  author: 't',
  roadmap: rm,
  outcomes: outs.map((o) => ({ epicId: o.epicId, verdict: o.verdict, verdictReason: '', adoptionRate: o.adoption.rate, adopters: 1, activeUsers: 1, csat: null, satisfactionChange: null, kpiLifts: [], targets: o.targets.map((t) => ({ ...t })), decision: null, decisionNote: null })),
});

const before: Roadmap = { ...roadmap, epics: roadmap.epics.filter((e) => e.id !== 'referrals').map((e) => (e.id === 'quiz' ? { ...e, status: 'in_progress' as const, shippedAt: undefined } : e)) };

const input: ComposeReviewInput = {
  month: '2026-10',
  asOf: '2026-10-31',
  today: '2026-11-05',
  baseUrl: BASE,
  roadmap,
  outcomes,
  latestReviews: { sharing: { id: 'r1', epicId: 'sharing', decision: 'iterate', note: 'add an incentive', author: 'Marco', createdAt: '2026-10-20T10:00:00Z' } },
  reviews: [
    { id: 'r0', epicId: 'try-on', decision: 'double_down', note: 'more', author: 'Priya', createdAt: '2026-09-30T10:00:00Z' },
    { id: 'r1', epicId: 'sharing', decision: 'iterate', note: 'add an incentive', author: 'Marco', createdAt: '2026-10-20T10:00:00Z' },
  ],
  themes: [
    { id: 'acq', name: 'Acquire', epics: 3, shippedEpics: 2, evaluatedEpics: 1, metEpics: 0, missedEpics: 1, metTargets: 0, missedTargets: 1, pendingTargets: 1, meanAdoptionRate: 0.031, adopters: 1, activeUsers: 1, satisfactionChange: null, kpiLiftCount: 0, kpiDropCount: 0 },
    { id: 'ai', name: 'AI styling', epics: 2, shippedEpics: 1, evaluatedEpics: 1, metEpics: 1, missedEpics: 0, metTargets: 1, missedTargets: 0, pendingTargets: 0, meanAdoptionRate: 0.24, adopters: 1, activeUsers: 1, satisfactionChange: 0.1, kpiLiftCount: 1, kpiDropCount: 0 },
  ] as never,
  previous: iteration('it-oct', '2026-09-30', before, outcomes.slice(0, 2)),
  closing: iteration('it-nov', '2026-10-31', roadmap, outcomes),
};

describe('monthly review composition', () => {
  const r = composeMonthlyReview(input);

  it('lists what shipped in the month and the verdicts that became ready, with confidence', () => {
    expect(r.title).toBe('October 2026 review');
    expect(r.partial).toBe(false);
    expect(r.link).toBe(`${BASE}/review?month=2026-10`);
    expect(r.shipped.map((e) => [e.epicId, e.verdictText])).toEqual([['quiz', 'too early: window closes 2026-11-16']]);
    // try-on's window closed 2026-10-07, sharing's 2026-10-17
    expect(r.verdicts.map((e) => [e.epicId, e.verdict, e.confident, e.verdictText, e.decision])).toEqual([
      ['try-on', 'met', true, 'met (confident)', null],
      ['sharing', 'missed', false, 'missed (not conclusive)', 'iterate'],
    ]);
    expect(r.verdicts[1].targets).toEqual([{ metric: 'adoption_rate', text: 'adoption 3.1% vs target 10% (missed)', status: 'missed', confident: false }]);
    expect(r.verdicts[0].link).toBe(`${BASE}/epics/try-on`);
    expect(r.headline).toBe('1 epic shipped · 2 verdicts ready (1 met, 1 missed) · 1 decision · 2 roadmap changes');
  });

  it('orders themes by whether they moved the product, and keeps only the month’s decisions', () => {
    expect(r.themes.map((t) => [t.id, t.moved])).toEqual([['ai', true], ['acq', false]]);
    expect(r.themes[0].summary).toBe('1 of 1 measured epic met its targets; mean adoption 24%; product CSAT +0.1; 1 KPI lift with confidence');
    expect(r.decisions.map((d) => [d.epicId, d.decision, d.at])).toEqual([['sharing', 'iterate', '2026-10-20']]);
  });

  it('explains what changed between the iterations around the month, follow-ups by the outcome they follow up', () => {
    expect(r.changes.from?.link).toBe(`${BASE}/iterations/it-oct`);
    expect(r.changes.live).toBe(false);
    expect(r.changes.items.map((c) => [c.epicId, c.kind])).toEqual([['quiz', 'status'], ['referrals', 'added']]);
    expect(r.changes.items[1].evidence).toBe('Referral rewards added as follow-up of Outfit sharing <beta>: adoption 3.1% vs target 10% (missed)');
    expect(r.changes.counts).toEqual({ added: 1, status: 1 });
  });

  it('stands today’s roadmap in for a month not yet closed by an iteration', () => {
    const live = composeMonthlyReview({ ...input, closing: null });
    expect(live.changes.live).toBe(true);
    expect(live.changes.to?.link).toBe(`${BASE}/roadmap`);
    expect(live.changes.items.map((c) => c.epicId)).toEqual(['quiz', 'referrals']);
  });

  it('plans next with the capacity the next milestone uses', () => {
    expect(r.next.milestone?.id).toBe('2026-11');
    expect(r.next.epics.map((e) => [e.epicId, e.followUpOf])).toEqual([['referrals', 'sharing'], ['capsule', null]]);
    expect([r.next.engineeringWeeks, r.next.designWeeks]).toEqual([8, 3.5]);
    expect(r.next.summary).toBe('2 epics in November 2026, 8 engineering + 3.5 design weeks');
  });

  it('shows the customer demand behind what is planned next, in the page and in Markdown', () => {
    const withAsks = composeMonthlyReview({ ...input, demand: { capsule: { asks: 7, accounts: 3, requesters: 4, arr: 250000 } } });
    expect(withAsks.next.epics.find((e) => e.epicId === 'capsule')?.demand).toEqual({ asks: 7, accounts: 3, requesters: 4, arr: 250000 });
    expect(withAsks.next.epics.find((e) => e.epicId === 'referrals')).not.toHaveProperty('demand');
    expect(reviewMarkdown(withAsks)).toContain('7 asks, 3 accounts, 4 requesters, $250k ARR asked');
  });

  it('renders Markdown with escaped text and links back to every page', () => {
    const md = reviewMarkdown(r);
    expect(md.split('\n')[0]).toBe('# October 2026 review');
    expect(md).toContain(`[Open in Sextant](${BASE}/review?month=2026-10)`);
    expect(md).toContain(`- **[Outfit sharing \\<beta\\>](${BASE}/epics/sharing)**: missed (not conclusive) · decision: iterate`);
    expect(md).toContain('  - adoption 3.1% vs target 10% (missed), not conclusive');
    expect(md).toContain(`| [Style quiz](${BASE}/epics/quiz) | Acquire | 2026-10-20 | too early: window closes 2026-11-16 |`);
    expect(md).toContain('## Planned next\n\n2 epics in November 2026, 8 engineering + 3.5 design weeks.');
    expect(mdEscape('a|b*c_[d]')).toBe('a\\|b\\*c\\_\\[d\\]');
  });
});

describe('digest messages', () => {
  const r = composeMonthlyReview(input);
  const m = reviewDigest(r);

  it('Slack: escaped mrkdwn, links as <url|text>, a fallback text with the link', () => {
    const p = slackPayload(m) as { text: string; blocks: { type: string; text: { text: string } }[] };
    expect(p.text).toBe(`October 2026 review: ${r.headline} ${BASE}/review?month=2026-10`);
    expect(p.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'October 2026 review' } });
    const all = p.blocks.map((b) => b.text.text).join('\n');
    expect(all).toContain(`• <${BASE}/epics/sharing|Outfit sharing &lt;beta&gt;: missed (not conclusive) · decision: iterate>`);
    expect(all).toContain('*Planned next*');
    expect(p.blocks.at(-1)!.text.text).toBe(`<${BASE}/review?month=2026-10|Open the October 2026 review>`);
  });

  it('Teams: an Adaptive Card with an Open action to the review', () => {
    const p = teamsPayload(m) as { attachments: { content: { actions: unknown[]; body: { text: string }[] } }[] };
    expect(p.attachments[0].content.actions).toEqual([{ type: 'Action.OpenUrl', title: 'Open the October 2026 review', url: `${BASE}/review?month=2026-10` }]);
    expect(p.attachments[0].content.body.map((b) => b.text)).toContain('Verdicts ready');
  });

  it('e-mail: text and HTML, escaped, with the link', () => {
    expect(emailText(m)).toContain(`- Outfit sharing <beta>: missed (not conclusive) · decision: iterate <${BASE}/epics/sharing>`);
    expect(emailHtml(m)).toContain(`<a href="${BASE}/epics/sharing">Outfit sharing &lt;beta&gt;: missed (not conclusive) · decision: iterate</a>`);
    expect(emailHtml(m)).not.toContain('<beta>');
  });

  it('window closed: the verdict and its targets, linking to the epic', () => {
    const a = windowClosedAlert(r.verdicts[0]);
    expect(a.title).toBe('Verdict ready: Virtual try-on — met (confident)');
    expect(a.link).toBe(`${BASE}/epics/try-on`);
    expect(a.sections[0].lines).toEqual([{ text: 'adoption 24% vs target 15% (met), confident' }]);
  });

  it('weekly: titled by its ISO week', () => {
    expect(reviewDigest(r, { weekly: { period: '2026-W44' } }).title).toBe('Weekly digest 2026-W44: October 2026 so far');
  });
});

describe('periods and helpers', () => {
  it('ISO weeks, due weeks and months', () => {
    expect(isoWeek('2026-11-20')).toBe('2026-W47');
    expect(isoWeek('2021-01-03')).toBe('2020-W53');
    expect(isoWeek('2024-12-30')).toBe('2025-W01');
    expect(dueWeek('2026-11-20')).toEqual({ period: '2026-W46', end: '2026-11-15' });
    expect(dueWeek('2026-11-16')).toEqual({ period: '2026-W46', end: '2026-11-15' });
    expect(dueMonth('2026-01-01')).toBe('2025-12');
    expect(previousMonth('2026-03')).toBe('2026-02');
    expect(monthBounds('2028-02')).toEqual({ start: '2028-02-01', end: '2028-02-29' });
    expect(reviewAsOf('2026-11', '2026-11-20')).toBe('2026-11-20');
    expect(reviewAsOf('2026-10', '2026-11-20')).toBe('2026-10-31');
  });

  it('webhook formats from the host, and masked URLs', () => {
    expect(webhookFormat('https://hooks.slack.com/services/T/B/x')).toBe('slack');
    expect(webhookFormat('https://contoso.webhook.office.com/webhookb2/x')).toBe('teams');
    expect(webhookFormat('https://prod-01.westus.logic.azure.com/workflows/x')).toBe('teams');
    expect(webhookFormat('https://hooks.slack.com/x', 'teams')).toBe('teams');
    expect(maskUrl('https://hooks.slack.com/services/T/B/secret')).toBe('https://hooks.slack.com/services/…');
  });
});

describe('digest e-mail as raw MIME', () => {
  it('encodes non-ASCII headers as encoded words and both bodies in base64, read back intact', async () => {
    const { composeMime, encodeHeader } = await import('../../functions/src/digests/mime');
    const { readMail } = await import('../helpers/receivers');
    expect(encodeHeader('October 2026 review')).toBe('October 2026 review');
    expect(encodeHeader('Verdict ready: Try-on — met')).toBe(`=?UTF-8?B?${Buffer.from('Verdict ready: Try-on — met').toString('base64')}?=`);
    const long = 'Verdict ready: Capsule wardrobe planner for the whole season — missed (not conclusive)';
    expect(encodeHeader(long).split('\r\n ').every((w) => w.length <= 75)).toBe(true);
    const raw = composeMime({ from: 'Sextant <d@x.example>', to: 'a@x.example', subject: long, text: 'plain — text', html: '<p>html — body</p>', messageId: '<id@x.example>', headers: { 'X-Sextant-Delivery': 'sub/2026-10' }, date: new Date('2026-11-01T00:00:00Z') }).toString('utf8');
    expect(raw).not.toMatch(/[^\x00-\x7f]/);
    expect(raw.split('\r\n').every((l) => l.length <= 998)).toBe(true);
    const mail = readMail(raw);
    expect(mail.header('subject')).toBe(long);
    expect(mail.header('date')).toBe('Sun, 01 Nov 2026 00:00:00 +0000');
    expect(mail.header('x-sextant-delivery')).toBe('sub/2026-10');
    expect(mail.body).toContain('plain — text');
    expect(mail.body).toContain('<p>html — body</p>');
  });
});
