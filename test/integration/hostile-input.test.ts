/**
 * Hostile input, property-based (fast-check), over every ingest endpoint and the API write
 * endpoints: malformed and truncated JSON, wrong types, huge strings and arrays (within and
 * beyond the limits), deep nesting (up to 100,000 levels), `__proto__` / `constructor` /
 * `prototype` keys, odd Unicode (lone surrogates, RTL, zero-width, emoji, NUL), NaN / Infinity
 * (as strings and as number text like `1e999`), negative values, timestamps far in the past
 * and future, duplicated and missing ids.
 *
 * Every request must answer within a timeout with a 2xx, or a 4xx in the error shape; nothing
 * may pollute a prototype; and the stored state afterwards must equal what the valid inputs
 * alone imply. This file keeps its own model of the documented ingest rules (trimmed ids,
 * event time with clock-skew correction, first version of a messageId wins, content-hash ids
 * for events without one, activity / usage / satisfaction, last KPI value wins) and compares
 * it with the raw events, facts, survey responses, KPI values and daily-active rollups in the
 * store, and with `rebuild()`.
 *
 * Inputs are classed when generated: `valid` (must be accepted), `invalid` (must be rejected)
 * or `either` (e.g. 5,000–12,000 levels of nesting: the server may accept or reject, and the
 * model follows its answer). FC_SEED reproduces a run.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuild } from '../../functions/src/analytics/jobs';
import { runRollup } from '../../functions/src/analytics/rollup';
import { pseudonymize, shardOf } from '../../functions/src/ingest/pseudonymize';
import { K, USER_FACT_SHARDS } from '../../functions/src/store/keys';
import { ErrorBody } from '../../shared/errors';
import { EVENT_TYPES, IngestResult, LIMITS, type EventType } from '../../shared/ingest';
import { addDays, dayNumber, isStorableNumber, isWellFormed, todayUtc, utcDate } from '../../shared/primitives';
import { Roadmap, roadmapProblems } from '../../shared/roadmap';
import { createTestContext, type TestContext } from '../helpers/context';
import { ROUTES, fixtureRoadmap, type RouteEnv } from '../helpers/routes';

const NOW = Date.parse('2026-06-15T12:34:56.789Z');
const TODAY = todayUtc(NOW);
const DAY = 86_400_000;
const SURVEY = 'Survey Responded';
const REQUEST_TIMEOUT_MS = 10_000;
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;
const runs = (n: number) => ({ numRuns: n, endOnFailure: true, ...(seed !== undefined ? { seed } : {}) });

// ---------------------------------------------------------------------------------------------
// JSON text with number literals JSON.stringify cannot write (1e999, -0, 1e-400)
// ---------------------------------------------------------------------------------------------

class RawNumber {
  constructor(readonly text: string) {}
}
const raw = (text: string) => new RawNumber(text);
/** nesting too deep for JSON.stringify: written as text */
class Deep {
  constructor(
    readonly depth: number,
    readonly kind: 'array' | 'object' = 'array',
  ) {}
}
function toJson(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (x instanceof RawNumber ? `\u0000RAW:${x.text}\u0000` : x instanceof Deep ? `\u0000DEEP:${x.depth}:${x.kind}\u0000` : x)).replace(
    /"\\u0000(RAW|DEEP):([^"\\]+)\\u0000"/g,
    (_m, what: string, arg: string) => (what === 'RAW' ? arg : deepText(Number(arg.split(':')[0]), arg.split(':')[1] as 'array' | 'object')),
  );
}
/** an object with an own enumerable `__proto__` key (what JSON.parse makes of `{"__proto__": …}`) */
function withOwn(obj: Record<string, unknown>, key: string, value: unknown) {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  return obj;
}
function nested(depth: number, kind: 'array' | 'object'): unknown {
  let v: unknown = kind === 'array' ? [] : { leaf: 1 };
  for (let i = 0; i < depth; i++) v = kind === 'array' ? [v] : { a: v };
  return v;
}
const deepText = (depth: number, kind: 'array' | 'object') => (kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth));

// ---------------------------------------------------------------------------------------------
// The reference model: what the documented rules say a valid event means
// ---------------------------------------------------------------------------------------------

interface Meaning {
  type: EventType;
  user: string | null;
  date: string;
  event?: string;
  epicId?: string;
  survey?: { scale: 'csat' | 'nps'; score: number };
}

const ms = (v: string | number) => (typeof v === 'number' ? v : Date.parse(v));
const idText = (v: unknown) => (v === undefined || v === null ? undefined : String(v).trim());

/** The meaning of a (JSON-parsed) valid event, per README "Sending events". */
function interpret(e: any, forced: EventType | undefined, batchSentAt: number | undefined): Meaning {
  const type: EventType = forced ?? e.type ?? 'track';
  const user = type === 'alias' ? null : (idText(e.userId) ?? idText(e.anonymousId))!;
  let at: number;
  if (e.timestamp !== undefined) at = ms(e.timestamp);
  else if (e.originalTimestamp !== undefined) {
    const sentAt = e.sentAt !== undefined ? ms(e.sentAt) : batchSentAt;
    at = sentAt !== undefined ? NOW - (sentAt - ms(e.originalTimestamp)) : ms(e.originalTimestamp);
  } else at = NOW;
  const m: Meaning = { type, user, date: utcDate(at) };
  if (type === 'track') {
    m.event = String(e.event).trim();
    const p = e.properties ?? {};
    if (typeof p.epicId === 'string' && p.epicId.length <= 64 && isWellFormed(p.epicId)) m.epicId = p.epicId;
    if (m.event === SURVEY) m.survey = { scale: p.scale, score: typeof p.score === 'string' ? Number(p.score) : p.score };
  }
  return m;
}

class Model {
  /** first version of each event: key = trimmed messageId, or `auto:` + its JSON (content-hash id) */
  events = new Map<string, Meaning>();
  /** KPI values: `name|date` → last value */
  kpis = new Map<string, number>();

  keyOf(e: any): string {
    return typeof e.messageId === 'string' ? e.messageId.trim() : `auto:${JSON.stringify(e)}`;
  }

  /** Apply the accepted events of one request in order; returns [new, duplicate] counts. */
  apply(accepted: { raw: any; forced?: EventType; sentAt?: number }[]): [number, number] {
    let fresh = 0;
    for (const a of accepted) {
      const k = this.keyOf(a.raw);
      if (this.events.has(k)) continue;
      this.events.set(k, interpret(a.raw, a.forced, a.sentAt));
      fresh++;
    }
    return [fresh, accepted.length - fresh];
  }
}

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

type Klass = 'valid' | 'invalid' | 'either';
interface GenEvent {
  ev: unknown;
  klass: Klass;
  label: string;
}

const ODD = [
  'a', 'Z', '9', '-', '_', '.', ' ', '#', '|', '\u200B', '\u200D', '\u202E', '\u2067', '\u00A0', '\uFEFF', '\n', '\t',
  'مرحبا', 'שלום', '😀', '👩‍👩‍👧', '🏳️‍🌈', 'e\u0301', '\u0000', '\u001F', '\uFFFF', '\\', '"', "'", '<b>', '${x}', '%s',
  'NaN', 'Infinity', 'null', '__proto__', 'constructor', 'prototype',
];
/** odd but well-formed text (never cut inside a surrogate pair) */
const oddText = fc.array(fc.constantFrom(...ODD), { maxLength: 6 }).map((parts) => parts.join(''));
const USERS: unknown[] = ['u-1', 'u-2 ', ' u-3', '😀 user', 'مستخدم', 'u\u200Bzw', 'u\u0000nul', '__proto__', 'constructor', 'toString', 42, '42', 7.5, 0, -3];
const EVENT_NAMES = ['Used A', 'Used 😀', 'مرحبا Clicked', 'x\u200By', '__proto__', 'constructor', 'toString', ' padded ', 'Shipped Used'];
const EPIC_IDS: unknown[] = ['shipped-epic', 'e1', '__proto__', 'constructor', 'é', '😀', 'a'.repeat(64), 'b'.repeat(65), 42, {}, null];
const DUP_IDS = ['dup-1', 'dup-2', 'dup 😀', 'dup-\u202E', '__proto__', 'constructor', 'dup-1 '];
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

const offsetMs = fc.oneof(
  fc.integer({ min: -399 * DAY, max: 23 * 3_600_000 }),
  fc.constantFrom(-400 * DAY, 1440 * 60_000, 0, -1),
);
/** valid event time, in each of Segment's ways */
const timeFields = fc.oneof(
  fc.constant({}),
  offsetMs.map((o) => ({ timestamp: new Date(NOW + o).toISOString() })),
  offsetMs.map((o) => ({ timestamp: NOW + o })),
  fc.tuple(offsetMs, fc.integer({ min: -10 * DAY, max: 10 * DAY })).map(([o, skew]) => {
    // the client's clock is `skew` off: originalTimestamp and sentAt are both on its clock
    const sentAt = NOW + skew;
    return { originalTimestamp: new Date(sentAt + o).toISOString(), sentAt: new Date(sentAt).toISOString() };
  }),
);

const extras = fc.record(
  {
    proto: fc.constantFrom(...PROTO_KEYS),
    value: fc.jsonValue({ maxDepth: 2 }),
    negative: fc.integer({ min: -1e9, max: -1 }),
    depth: fc.integer({ min: 0, max: 300 }),
    pad: fc.oneof({ weight: 15, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 30_000 }) }),
  },
  { requiredKeys: ['pad'] },
);

/** A valid event for `forced` (a single-event endpoint) or for a batch. */
function validEvent(forced?: EventType): fc.Arbitrary<GenEvent> {
  const typeArb: fc.Arbitrary<EventType | undefined> = forced ? fc.constantFrom(undefined, forced) : fc.constantFrom(undefined, ...EVENT_TYPES);
  return fc
    .record({
      type: typeArb,
      messageId: fc.oneof(
        { weight: 6, arbitrary: fc.tuple(fc.nat(), oddText).map(([n, s]) => `m${n}${s}`) },
        { weight: 3, arbitrary: fc.constantFrom(...DUP_IDS) },
        { weight: 1, arbitrary: fc.constant(undefined) },
      ),
      user: fc.constantFrom(...USERS),
      anonymous: fc.boolean(),
      time: timeFields,
      event: fc.constantFrom(...EVENT_NAMES, SURVEY),
      epicId: fc.option(fc.constantFrom(...EPIC_IDS), { nil: undefined }),
      survey: fc.oneof(
        fc.record({ scale: fc.constant('csat'), score: fc.oneof(fc.integer({ min: 1, max: 5 }), fc.constantFrom(' 4 ', '4.5', 3.7, '1', 5)) }),
        fc.record({ scale: fc.constant('nps'), score: fc.oneof(fc.integer({ min: 0, max: 10 }), fc.constantFrom('0', '10', 9.5)) }),
      ),
      extras,
      name: fc.option(oddText, { nil: undefined }),
    })
    .map((g) => {
      const type = g.type ?? forced ?? 'track';
      const ev: Record<string, unknown> = {};
      if (g.type) ev.type = g.type;
      if (g.messageId !== undefined) ev.messageId = g.messageId;
      if (type === 'alias' || !g.anonymous) ev.userId = g.user;
      else ev.anonymousId = g.user;
      if (type === 'alias') ev.previousId = `prev-${String(g.user)}`;
      if (type === 'group') ev.groupId = 'acme-😀';
      Object.assign(ev, g.time);
      const props: Record<string, unknown> = {};
      if (type === 'track') {
        ev.event = g.event;
        if (g.event === SURVEY) Object.assign(props, g.survey);
      }
      if (g.epicId !== undefined) props.epicId = g.epicId;
      const x = g.extras;
      if (x.proto) withOwn(props, x.proto, x.value ?? { polluted: true });
      if (x.negative !== undefined) props.negative = x.negative;
      if (x.depth !== undefined) props.deep = nested(x.depth, 'array');
      if (x.pad !== undefined && g.messageId !== undefined) props.pad = 'p'.repeat(x.pad);
      ev.properties = props;
      if (g.name !== undefined && (type === 'page' || type === 'screen')) ev.name = g.name;
      ev.context = withOwn({ library: { name: 'hostile', version: '0' } }, '__proto__', { polluted: true });
      if (x.proto) withOwn(ev, x.proto === '__proto__' ? 'constructor' : '__proto__', { prototype: { polluted: true } });
      return { ev, klass: 'valid' as Klass, label: 'valid' };
    });
}

type Mutation = (ev: any) => unknown;
const set = (k: string, v: unknown): Mutation => (ev) => ({ ...ev, [k]: v });
const drop = (...ks: string[]): Mutation => (ev) => Object.fromEntries(Object.entries(ev).filter(([k]) => !ks.includes(k)));
const time = (v: unknown): Mutation => (ev) => ({ ...drop('originalTimestamp', 'sentAt')(ev) as object, timestamp: v });
const asTrack = (f: Mutation): Mutation => (ev) => f({ ...ev, type: ev.type === undefined ? undefined : 'track', event: ev.event ?? 'Used A' });

/** Mutations that make any event invalid. */
const INVALID: [string, Mutation][] = [
  ...[null, 0, -1, 'an event', true, [], [{}]].map((v) => [`event is ${JSON.stringify(v)}`, () => v] as [string, Mutation]),
  ...[42, true, {}, [], '', '   ', 'x'.repeat(256), 'a\ud800', '\udfff', 'z\udc00\ud800'].map((v) => [`messageId ${JSON.stringify(v).slice(0, 30)}`, set('messageId', v)] as [string, Mutation]),
  ['no user', drop('userId', 'anonymousId')],
  ...['', ' ', {}, [], true, 'u'.repeat(256), 'u\ud800', raw('1e999'), raw('-1e999')].map(
    (v) => [`userId ${v instanceof RawNumber ? v.text : JSON.stringify(v).slice(0, 30)}`, (ev: any) => ({ ...drop('anonymousId')(ev) as object, userId: v })] as [string, Mutation],
  ),
  ...['NaN', 'Infinity', '-Infinity', 'not a date', '', 'x'.repeat(65), {}, [], true, null, raw('1e999'), raw('-1e999'), raw('1e400')].map(
    (v) => [`timestamp ${v instanceof RawNumber ? v.text : JSON.stringify(v).slice(0, 30)}`, time(v)] as [string, Mutation],
  ),
  ...[1e20, -1e20, 8.64e15, -8.64e15, 8.64e15 + 1, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 0, -1, NOW + 1440 * 60_000 + 1, NOW - 400 * DAY - 1, NOW + 400 * DAY].map(
    (v) => [`timestamp ${v}`, time(v)] as [string, Mutation],
  ),
  ...['0001-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '+275760-09-13T00:00:00.000Z', '-271821-04-20T00:00:00.000Z', '1970-01-01T00:00:00Z', '2026-06-17T12:34:56.790Z'].map(
    (v) => [`timestamp ${v}`, time(v)] as [string, Mutation],
  ),
  ['originalTimestamp overflow', (ev) => ({ ...drop('timestamp')(ev) as object, originalTimestamp: 8e15, sentAt: -8e15 })],
  ['originalTimestamp far past', (ev) => ({ ...drop('timestamp', 'sentAt')(ev) as object, originalTimestamp: '1000-01-01T00:00:00Z' })],
  ...['hack', '__proto__', 'Track', 42, null].map((v) => [`type ${JSON.stringify(v)}`, set('type', v)] as [string, Mutation]),
  ...[undefined, '', '  ', 42, 'e'.repeat(201), 'e\ud800', ['Used A']].map(
    (v) => [`track event ${JSON.stringify(v)?.slice(0, 20)}`, asTrack((ev) => (v === undefined ? drop('event')(ev) : { ...ev, event: v }))] as [string, Mutation],
  ),
  ...([
    [undefined, 4], ['CSAT', 4], ['stars', 4], ['csat', 'NaN'], ['csat', 'Infinity'], ['csat', '1e999'], ['csat', ''], ['csat', null], ['csat', {}], ['csat', -1],
    ['csat', 0], ['csat', 6], ['csat', 5.5], ['nps', 11], ['nps', -0.1], ['nps', raw('1e999')], ['csat', '4 stars'],
  ] as [unknown, unknown][]).map(([scale, score]) => [
    `survey ${String(scale)} ${score instanceof RawNumber ? score.text : JSON.stringify(score)}`,
    asTrack((ev) => ({ ...ev, event: SURVEY, properties: { ...(ev.properties ?? {}), scale, score } })),
  ] as [string, Mutation]),
  ...[[], 'props', 42, null].map((v) => [`properties ${JSON.stringify(v)}`, set('properties', v)] as [string, Mutation]),
  ['context []', set('context', [])],
  ['integrations "x"', set('integrations', 'x')],
  ['traits [1]', set('traits', [1])],
  ['over 32 KB', (ev) => ({ ...ev, properties: { ...(ev.properties ?? {}), pad: 'x'.repeat(33 * 1024) } })],
];
/** Mutations whose outcome the server may decide (the model follows its answer). */
const EITHER: [string, Mutation][] = [5_000, 10_000, 12_000].map((d) => [`${d} levels of nesting`, (ev: any) => ({ ...ev, messageId: `deep-${d}-${ev.messageId ?? 'x'}`, properties: { deep: new Deep(d) } })]);

function hostileEvent(forced?: EventType): fc.Arbitrary<GenEvent> {
  const typed: [string, Mutation][] = [
    ...(forced === undefined || forced === 'group' ? [['group without groupId', (ev: any) => ({ ...drop('groupId')(ev) as object, type: forced ? undefined : 'group' })] as [string, Mutation]] : []),
    ...(forced === undefined || forced === 'alias'
      ? [
          ['alias without previousId', (ev: any) => ({ ...drop('previousId')(ev) as object, type: forced ? undefined : 'alias', userId: 'u-1' })] as [string, Mutation],
          ['alias without userId', (ev: any) => ({ ...drop('userId', 'anonymousId')(ev) as object, type: forced ? undefined : 'alias', previousId: 'p' })] as [string, Mutation],
        ]
      : []),
    ...(forced ? [[`type mismatch on /v1/${forced}`, set('type', forced === 'track' ? 'page' : 'track')] as [string, Mutation]] : []),
  ];
  const usable = INVALID.filter(([label]) => !(forced && forced !== 'track' && (label.startsWith('track event') || label.startsWith('survey'))));
  return fc.tuple(validEvent(forced), fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...usable, ...typed) }, { weight: 1, arbitrary: fc.constantFrom(...EITHER) })).map(([g, m]) => ({
    ev: m[1](g.ev),
    klass: (EITHER.includes(m) ? 'either' : 'invalid') as Klass,
    label: m[0],
  }));
}

// ---------------------------------------------------------------------------------------------
// The suite
// ---------------------------------------------------------------------------------------------

describe('hostile input', () => {
  let ctx: TestContext;
  const model = new Model();
  const stats = { requests: 0, events: { valid: 0, invalid: 0, either: 0 }, metrics: 0, apiWrites: 0, rawBodies: 0, crashes: 0, corruptions: 0, slowestMs: 0, redundantFacts: 0 };
  const crashes: string[] = [];
  const protoKeys = () => [Object.getOwnPropertyNames(Object.prototype), Object.getOwnPropertyNames(Array.prototype), Object.getOwnPropertyNames(Function.prototype)].map((l) => l.sort().join(','));
  let protoBefore: string[];

  /** Send one request; record a crash (5xx, a throw, or no answer within the timeout) and check the error shape. */
  async function send(method: string, path: string, body: string | undefined, token: string): Promise<{ status: number; json: any }> {
    stats.requests++;
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      const res = await Promise.race([
        ctx.app.request(path, { method, headers, body }),
        new Promise<never>((_, fail) => (timer = setTimeout(() => fail(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)), REQUEST_TIMEOUT_MS))),
      ]);
      const text = await res.text();
      stats.slowestMs = Math.max(stats.slowestMs, performance.now() - started);
      let json: any;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = text;
      }
      if (res.status >= 500 || res.status < 200 || (res.status >= 300 && res.status < 400)) {
        stats.crashes++;
        crashes.push(`${method} ${path} → ${res.status} ${text.slice(0, 200)} (body ${body?.slice(0, 200)})`);
      }
      expect(res.status, `${method} ${path} answered ${res.status}`).toBeLessThan(500);
      if (res.status >= 400) expect(ErrorBody.safeParse(json).success, `${method} ${path} ${res.status}: error shape, got ${text.slice(0, 200)}`).toBe(true);
      return { status: res.status, json };
    } catch (e) {
      stats.crashes++;
      crashes.push(`${method} ${path} threw ${(e as Error).message}`);
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }
  const ingest = (path: string, body: string) => send('POST', path, body, ctx.tokens.ingest);
  const api = (method: string, path: string, body?: string) => send(method, path, body, ctx.tokens.admin);

  /** Post a batch, check the per-event accounting against the classes and the model. */
  async function postBatch(events: GenEvent[], sentAt?: string) {
    const text = toJson({ batch: events.map((e) => e.ev), ...(sentAt ? { sentAt } : {}) });
    const res = await ingest('/v1/batch', text);
    if (Buffer.byteLength(text) > LIMITS.batchBytes) {
      expect(res.status).toBe(413);
      return;
    }
    expect(res.status, JSON.stringify(res.json).slice(0, 500)).toBe(200);
    expect(IngestResult.safeParse(res.json).success).toBe(true);
    const rejected = new Set<number>(res.json.rejected.map((r: { index: number }) => r.index));
    const parsed = JSON.parse(text).batch as unknown[];
    const accepted: { raw: any; sentAt?: number }[] = [];
    events.forEach((e, i) => {
      stats.events[e.klass]++;
      if (e.klass === 'valid') expect(rejected.has(i), `valid event ${i} rejected: ${JSON.stringify(res.json.rejected.find((r: { index: number }) => r.index === i))}`).toBe(false);
      if (e.klass === 'invalid') expect(rejected.has(i), `invalid event (${e.label}) accepted`).toBe(true);
      if (!rejected.has(i)) accepted.push({ raw: parsed[i], sentAt: sentAt ? Date.parse(sentAt) : undefined });
    });
    const [fresh, dupes] = model.apply(accepted);
    expect({ accepted: res.json.accepted, duplicates: res.json.duplicates }).toEqual({ accepted: fresh, duplicates: dupes });
  }

  beforeAll(async () => {
    protoBefore = protoKeys();
    ctx = await createTestContext({ SEXTANT_RATE_LIMIT_PER_MINUTE: '100000000' });
    ctx.setNow(NOW);
    await ctx.services.roadmaps.replace(fixtureRoadmap(TODAY));
  });

  afterAll(async () => {
    // eslint-disable-next-line no-console
    console.log(
      `hostile input: ${stats.events.valid + stats.events.invalid + stats.events.either + stats.metrics + stats.apiWrites + stats.rawBodies} inputs tried in ${stats.requests} requests: ` +
        `${stats.events.valid + stats.events.invalid + stats.events.either} events ` +
        `(${stats.events.valid} valid, ${stats.events.invalid} invalid, ${stats.events.either} either), ${stats.metrics} metrics, ` +
        `${stats.apiWrites} API writes, ${stats.rawBodies} malformed bodies; crashes ${stats.crashes}, state corruptions ${stats.corruptions} ` +
        `(${stats.redundantFacts} redundant plain user-day facts beside usage facts); ` +
        `slowest answer ${Math.round(stats.slowestMs)} ms`,
    );
    if (crashes.length) console.log(crashes.slice(0, 20).join('\n'));
    await ctx?.close();
  });

  it('POST /v1/batch: mixed valid and hostile events, one bad event never sinks the others', async () => {
    const sentAt = fc.option(fc.constantFrom(new Date(NOW).toISOString(), new Date(NOW + 3_600_000).toISOString()), { nil: undefined });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof({ weight: 3, arbitrary: validEvent() }, { weight: 2, arbitrary: hostileEvent() }), { maxLength: 25 }), sentAt, async (events, s) => {
        await postBatch(events, s);
      }),
      runs(220),
    );
  });

  it.each(EVENT_TYPES)('POST /v1/%s: one valid or hostile event', async (type) => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(validEvent(type), hostileEvent(type)), async (g) => {
        const text = toJson(g.ev);
        const res = await ingest(`/v1/${type}`, text);
        stats.events[g.klass]++;
        if (g.klass === 'valid') expect(res.status, JSON.stringify(res.json).slice(0, 300)).toBe(200);
        if (g.klass === 'invalid') expect([400, 413], `${g.label} → ${res.status}`).toContain(res.status);
        if (res.status === 200) {
          const [fresh, dupes] = model.apply([{ raw: JSON.parse(text), forced: type, sentAt: typeof g.ev === 'object' && g.ev && (g.ev as any).sentAt ? ms((g.ev as any).sentAt) : undefined }]);
          expect({ accepted: res.json.accepted, duplicates: res.json.duplicates }).toEqual({ accepted: fresh, duplicates: dupes });
        }
      }),
      runs(45),
    );
  });

  it('POST /v1/metrics: valid and hostile KPI values; name + date is the key, the last value wins', async () => {
    const name = fc.constantFrom('kpi_a', 'b.c', 'z-9', 'a'.repeat(64), '0lead');
    const date = fc.integer({ min: -500, max: 30 }).map((d) => addDays(TODAY, d));
    const value = fc.oneof(
      fc.integer({ min: -1e9, max: 1e9 }),
      fc.double({ min: -1e6, max: 1e6, noNaN: true }).filter(isStorableNumber),
      fc.constantFrom(0, -0, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1e-130, 0.031),
    );
    const validMetric = fc.record({ name, date, value }).map((m) => ({ m: m as unknown, valid: true, value: m.value }));
    const validText = fc.record({ name, date }).map((m) => ({ m: { ...m, value: raw('1e-400') } as unknown, valid: true, value: 0 })); // underflows to 0 in JSON.parse
    const bad: [string, (m: any) => unknown][] = [
      ...['UPPER', '', 'a'.repeat(65), '__proto__', '_x', 'with space', 42, null].map((v) => [`name ${JSON.stringify(v)}`, (m: any) => ({ ...m, name: v })] as [string, (m: any) => unknown]),
      ...['2026-02-30', '2026-13-01', '26-01-01', '', 20260101, ' 2026-01-01', '0000-00-00'].map((v) => [`date ${v}`, (m: any) => ({ ...m, date: v })] as [string, (m: any) => unknown]),
      ...['NaN', 'Infinity', '1', null, {}, [], true, 1e300, -1e300, 1e-200, 5e-324, 9007199254740993, raw('1e999'), raw('-1e999')].map(
        (v) => [`value ${v instanceof RawNumber ? v.text : JSON.stringify(v)}`, (m: any) => ({ ...m, value: v })] as [string, (m: any) => unknown],
      ),
      ['missing value', (m: any) => ({ name: m.name, date: m.date })],
      ['extra key', (m: any) => ({ ...m, unit: 'pct' })],
      ['not an object', () => 'kpi_a=1'],
      ['array', (m: any) => [m]],
    ];
    const invalidMetric = fc.tuple(fc.record({ name, date, value }), fc.constantFrom(...bad)).map(([m, [, f]]) => ({ m: f(m), valid: false, value: 0 }));
    const protoMetric = fc.record({ name, date, value }).map((m) => ({ m: withOwn({ ...m }, '__proto__', { polluted: true }) as unknown, valid: null as boolean | null, value: m.value }));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof({ weight: 4, arbitrary: fc.oneof(validMetric, validText) }, { weight: 3, arbitrary: invalidMetric }, { weight: 1, arbitrary: protoMetric }), { minLength: 1, maxLength: 20 }), async (list) => {
        const text = toJson({ metrics: list.map((x) => x.m) });
        const res = await ingest('/v1/metrics', text);
        stats.metrics += list.length;
        expect(res.status, text.slice(0, 300)).toBe(200);
        const rejected = new Set<number>(res.json.rejected.map((r: { index: number }) => r.index));
        list.forEach((x, i) => {
          if (x.valid === true) expect(rejected.has(i), `valid metric ${toJson(x.m)} rejected`).toBe(false);
          if (x.valid === false) expect(rejected.has(i), `invalid metric ${toJson(x.m)} accepted`).toBe(true);
          if (!rejected.has(i)) {
            const m = x.m as { name: string; date: string };
            model.kpis.set(`${m.name}|${m.date}`, x.value);
          }
        });
        expect(res.json.accepted).toBe(new Set(list.filter((_, i) => !rejected.has(i)).map((x) => `${(x.m as any).name}|${(x.m as any).date}`)).size);
      }),
      runs(150),
    );
  });

  it('every ingest and API write endpoint: malformed, truncated, deeply nested and oversized bodies', async () => {
    const endpoints: { path: string; auth: 'ingest' | 'admin'; limit: number }[] = [
      { path: '/v1/batch', auth: 'ingest', limit: LIMITS.batchBytes },
      ...EVENT_TYPES.map((t) => ({ path: `/v1/${t}`, auth: 'ingest' as const, limit: LIMITS.eventBytes })),
      { path: '/v1/metrics', auth: 'ingest', limit: LIMITS.metricsBytes },
      ...['/api/v1/roadmap', '/api/v1/mission', '/api/v1/themes', '/api/v1/milestones', '/api/v1/epics', '/api/v1/stories', '/api/v1/epics/shipped-epic/ship', '/api/v1/epics/shipped-epic/reviews', '/api/v1/keys', '/api/v1/iterations', '/api/v1/plan', '/api/v1/plan/accept'].map(
        (path) => ({ path, auth: 'admin' as const, limit: 2 * 1024 * 1024 }),
      ),
      ...['/api/v1/themes/core', '/api/v1/milestones/m-now', '/api/v1/epics/shipped-epic', '/api/v1/stories/story-1'].map((path) => ({ path: `PATCH ${path}`, auth: 'admin' as const, limit: 2 * 1024 * 1024 })),
    ];
    const validBodies = [
      toJson({ batch: [{ type: 'track', event: 'Used A', userId: 'u-1', messageId: 'never-stored' }] }),
      toJson({ userId: 'u-1', event: 'Used A', messageId: 'never-stored' }),
      toJson({ metrics: [{ name: 'never_stored', date: TODAY, value: 1 }] }),
      toJson(fixtureRoadmap(TODAY)),
      toJson({ id: 'never-stored', name: 'Never', start: TODAY, end: TODAY }),
    ];
    const body = fc.oneof(
      // truncated JSON: every prefix of a valid object is invalid JSON
      fc.tuple(fc.constantFrom(...validBodies), fc.nat()).map(([b, n]) => b.slice(0, n % b.length)),
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.string({ unit: 'grapheme', maxLength: 200 }).map((s) => `{"batch": [${s}`),
      fc.constantFrom('', ' ', 'null', '42', '"x"', 'true', '[]', '{}', '1e999', 'NaN', 'Infinity', '-0', '{"a":1,}', "{'a':1}", '{"a":1}{"b":2}', '\u0000', '\ufeff{}', '{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":true}}}', '{"batch":[],"batch":5}', '{"metrics":[],"metrics":[1]}'),
      fc.constantFrom(1_000, 10_000, 100_000).chain((d) => fc.constantFrom(deepText(d, 'array'), deepText(d, 'object'), `{"batch":[${deepText(d, 'array')}]}`, `{"metrics":[${deepText(d, 'object')}]}`, `{"name":${deepText(d, 'array')}}`, `{"event":"x","properties":{"d":${deepText(Math.min(d, 10_000), 'array')}}}`)),
      fc.constantFrom(600 * 1024, 2 * 1024 * 1024 + 10).map((n) => `{"batch":[],"name":"${'x'.repeat(n)}"}`),
      fc.constantFrom('{"themes":' + JSON.stringify(Array.from({ length: 10_000 }, (_, i) => ({ id: `t${i}`, name: 'x' }))) + '}'),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...endpoints), body, async (ep, b) => {
        stats.rawBodies++;
        const [method, path] = ep.path.startsWith('PATCH ') ? ['PATCH', ep.path.slice(6)] : [ep.path === '/api/v1/roadmap' || ep.path === '/api/v1/mission' ? 'PUT' : 'POST', ep.path];
        const before = ep.auth === 'admin' ? await api('GET', '/api/v1/roadmap') : undefined;
        const res = await send(method, path, b, ep.auth === 'ingest' ? ctx.tokens.ingest : ctx.tokens.admin);
        if (Buffer.byteLength(b) > ep.limit) expect(res.status, `${Buffer.byteLength(b)} bytes to ${path}`).toBe(413);
        else if (res.status < 300) {
          // well-formed by chance: a batch or metrics envelope whose every item is rejected, or an
          // empty PATCH (a no-op; the roadmap is compared below)
          if (ep.auth === 'ingest') {
            expect(res.json, `${path} ← ${b.slice(0, 80)}`).toMatchObject({ success: true, accepted: 0 });
            expect(res.json.duplicates ?? 0).toBe(0);
          } else expect(method, `${path} accepted ${b.slice(0, 80)}`).toBe('PATCH');
        } else expect(res.status, `${path} ← ${b.slice(0, 80)}: ${JSON.stringify(res.json).slice(0, 200)}`).toBeGreaterThanOrEqual(400);
        if (before) {
          const after = await api('GET', '/api/v1/roadmap');
          expect(after.json).toEqual(before.json);
        }
      }),
      runs(260),
    );
  });

  it('API writes: hostile bodies change nothing; valid odd ones are stored as sent', async () => {
    let n = 0;
    const name = fc.oneof(oddText.map((s) => `N${s}`), fc.constantFrom('😀', 'مرحبا', '\u202Eevil', 'zero\u200Bwidth', '__proto__', 'constructor'));
    const bigName = fc.constantFrom('x'.repeat(121), 'x'.repeat(1024 * 1024));
    const badNumber = fc.constantFrom<unknown>('NaN', 'Infinity', raw('1e999'), raw('-1e999'), -1, 1e300, 1e-200, 5e-324, 9007199254740993, null, '5', [], {});
    type Write = { method: string; path: string; body: unknown; klass: Klass; label: string };
    const writes: fc.Arbitrary<Write>[] = [
      // themes
      fc.tuple(fc.nat(), name).map(([i, nm]) => ({ method: 'POST', path: '/api/v1/themes', body: { id: `th-${i}-${n}`, name: nm, description: `${nm} ${nm}` }, klass: 'valid' as Klass, label: 'theme' })),
      fc.tuple(fc.nat(), fc.constantFrom<[string, unknown]>(['id', 'UPPER'], ['id', ''], ['id', 'a'.repeat(65)], ['id', '__proto__'], ['id', 'with space'], ['id', 42], ['name', ''], ['name', '   '], ['name', 42], ['name', null], ['name', ['x']], ['description', 'x'.repeat(2001)], ['description', 42], ['id', 'core'])).map(
        ([i, [k, v]]) => ({ method: 'POST', path: '/api/v1/themes', body: { id: `th-${i}`, name: 'T', [k]: v }, klass: 'invalid' as Klass, label: `theme ${k}=${JSON.stringify(v).slice(0, 20)}` }),
      ),
      bigName.map((v) => ({ method: 'POST', path: '/api/v1/themes', body: { id: 'big', name: v }, klass: 'invalid' as Klass, label: 'theme name too long' })),
      // milestones: far past and far future dates are real dates
      fc.tuple(fc.nat(), fc.constantFrom(['0001-01-01', '0001-12-31'], ['9999-01-01', '9999-12-31'], [TODAY, TODAY], ['2028-02-29', '2028-03-01'])).map(([i, [start, end]]) => ({
        method: 'POST',
        path: '/api/v1/milestones',
        body: { id: `ms-${i}-${n}`, name: 'M', start, end },
        klass: 'valid' as Klass,
        label: 'milestone far dates',
      })),
      fc.tuple(fc.nat(), fc.constantFrom<[unknown, unknown]>(['2026-02-30', '2026-03-01'], ['2026-13-01', '2026-12-31'], [20260101, '2026-01-02'], ['2026-01-02', '2026-01-01'], ['tomorrow', TODAY], ['', ''], ['2026-1-1', '2026-01-02'])).map(([i, [start, end]]) => ({
        method: 'POST',
        path: '/api/v1/milestones',
        body: { id: `ms-${i}`, name: 'M', start, end },
        klass: 'invalid' as Klass,
        label: `milestone ${String(start)}..${String(end)}`,
      })),
      // epics: numbers out of range, wrong types, dangling references
      fc.tuple(fc.nat(), name).map(([i, t]) => ({
        method: 'POST',
        path: '/api/v1/epics',
        body: { id: `ep-${i}-${n}`, title: t, themeId: 'core', estimate: { reach: 0, impact: 3, confidence: 1e-130, effortWeeks: { engineering: 1000 } }, targets: [{ metric: 'kpi:x.y', op: '<=', value: -Number.MAX_SAFE_INTEGER }] },
        klass: 'valid' as Klass,
        label: 'epic edge numbers',
      })),
      fc.tuple(fc.nat(), badNumber, fc.constantFrom('reach', 'impact', 'confidence', 'engineering', 'target', 'windowDays')).map(([i, v, where]) => {
        const estimate: any = { reach: 1, impact: 1, confidence: 1, effortWeeks: { engineering: 1 } };
        const target: any = { metric: 'kpi:x', op: '>=', value: 1 };
        if (where === 'engineering') estimate.effortWeeks.engineering = v;
        else if (where === 'target') target.value = v === -1 ? 'NaN' : v; // a negative KPI target is fine
        else if (where === 'windowDays') target.windowDays = v;
        else estimate[where] = v;
        return { method: 'POST', path: '/api/v1/epics', body: { id: `ep-${i}`, title: 'E', themeId: 'core', estimate, targets: [target] }, klass: 'invalid' as Klass, label: `epic ${where}=${v instanceof RawNumber ? v.text : JSON.stringify(v)}` };
      }),
      fc.constantFrom<[string, unknown]>(['themeId', 'nope'], ['milestoneId', 'nope'], ['status', 'done'], ['shippedAt', TODAY], ['followUpOf', 'nope'], ['targets', 'x'], ['signals', { events: new Deep(10_000) }]).map(([k, v]) => ({
        method: 'POST',
        path: '/api/v1/epics',
        body: { id: 'ep-bad', title: 'E', themeId: 'core', [k]: v },
        klass: 'invalid' as Klass,
        label: `epic ${k}`,
      })),
      // stories
      fc.tuple(fc.nat(), name, fc.constantFrom(0, 100, 1e-130, 55.5)).map(([i, t, points]) => ({ method: 'POST', path: '/api/v1/stories', body: { id: `st-${i}-${n}`, epicId: 'shipped-epic', title: t, points }, klass: 'valid' as Klass, label: 'story' })),
      fc.tuple(fc.nat(), fc.constantFrom<[string, unknown]>(['epicId', 'nope'], ['points', 101], ['points', -1], ['points', 'NaN'], ['points', 1e-200], ['status', 'finished'], ['title', ''])).map(([i, [k, v]]) => ({
        method: 'POST',
        path: '/api/v1/stories',
        body: { id: `st-${i}`, epicId: 'shipped-epic', title: 'S', [k]: v },
        klass: 'invalid' as Klass,
        label: `story ${k}`,
      })),
      // patches
      name.map((nm) => ({ method: 'PATCH', path: '/api/v1/themes/core', body: { name: nm }, klass: 'valid' as Klass, label: 'patch theme' })),
      fc.constantFrom<unknown>({ id: 'other' }, { name: null }, { name: 42 }, withOwn({ name: 'x' }, '__proto__', { polluted: true }), [], 'x', { unknown: 1 }).map((b) => ({ method: 'PATCH', path: '/api/v1/themes/core', body: b, klass: 'invalid' as Klass, label: 'patch theme bad' })),
      fc.constantFrom<unknown>({ targets: 'x' }, { estimate: { reach: 1e300 } }, { themeId: 'nope' }, { status: 'planned' }, { shippedAt: null }, { signals: { events: [42] } }, { milestoneId: 'nope' }).map((b) => ({
        method: 'PATCH',
        path: '/api/v1/epics/shipped-epic',
        body: b,
        klass: 'invalid' as Klass,
        label: `patch epic ${JSON.stringify(b)}`,
      })),
      // mission, ship, reviews, keys, iterations, plan
      name.map((s) => ({ method: 'PUT', path: '/api/v1/mission', body: { statement: s }, klass: 'valid' as Klass, label: 'mission' })),
      fc.constantFrom<unknown>({ statement: '' }, { statement: 'x'.repeat(501) }, { statement: 42 }, {}).map((b) => ({ method: 'PUT', path: '/api/v1/mission', body: b, klass: 'invalid' as Klass, label: 'mission bad' })),
      fc.integer({ min: 1, max: 60 }).map((d) => ({ method: 'POST', path: '/api/v1/epics/shipped-epic/ship', body: { shippedAt: addDays(TODAY, -d) }, klass: 'valid' as Klass, label: 'ship' })),
      fc.constantFrom<unknown>({ shippedAt: addDays(TODAY, 1) }, { shippedAt: '9999-12-31' }, { shippedAt: '2026-02-30' }, { shippedAt: 42 }, { shippedAt: TODAY, extra: 1 }, {}).map((b) => ({
        method: 'POST',
        path: '/api/v1/epics/shipped-epic/ship',
        body: b,
        klass: 'invalid' as Klass,
        label: `ship ${JSON.stringify(b)}`,
      })),
      fc.tuple(fc.constantFrom('double_down', 'iterate', 'keep', 'sunset'), name).map(([decision, note]) => ({ method: 'POST', path: '/api/v1/epics/shipped-epic/reviews', body: { decision, note }, klass: 'valid' as Klass, label: 'review' })),
      fc.constantFrom<unknown>({ decision: 'yes' }, { decision: 'keep', note: 'x'.repeat(4001) }, { decision: 'keep', extra: 1 }, { decision: ['keep'] }).map((b) => ({
        method: 'POST',
        path: '/api/v1/epics/shipped-epic/reviews',
        body: b,
        klass: 'invalid' as Klass,
        label: 'review bad',
      })),
      fc.tuple(name, fc.constantFrom('ingest', 'viewer', 'editor', 'admin')).map(([nm, scope]) => ({ method: 'POST', path: '/api/v1/keys', body: { name: `k ${nm}`, scope }, klass: 'valid' as Klass, label: 'key' })),
      fc.constantFrom<unknown>({ name: 'k', scope: 'root' }, { name: '', scope: 'viewer' }, { name: 'x'.repeat(81), scope: 'viewer' }, { name: 'k', scope: 'viewer', id: 'mine' }, { name: 'k', scope: 'viewer', key: 'sx_adm_chosen' }, { name: 'k' }).map((b) => ({
        method: 'POST',
        path: '/api/v1/keys',
        body: b,
        klass: 'invalid' as Klass,
        label: `key ${JSON.stringify(b).slice(0, 40)}`,
      })),
      fc.constantFrom<unknown>({ name: '' }, { name: 'x', asOf: '2026-13-01' }, { name: 'x', asOf: 20260101 }, { name: 'x', extra: 1 }).map((b) => ({ method: 'POST', path: '/api/v1/iterations', body: b, klass: 'invalid' as Klass, label: 'iteration bad' })),
      fc.constantFrom<unknown>(
        { capacity: [] },
        { capacity: [{ milestoneId: 'm-now', engineering: -1 }] },
        { capacity: [{ milestoneId: 'm-now', engineering: 'NaN' }] },
        { capacity: [{ milestoneId: 'm-now', engineering: 1e300 }] },
        { capacity: [{ milestoneId: 'm-now', engineering: 1 }, { milestoneId: 'm-now', engineering: 1 }] },
        { capacity: [{ milestoneId: 'nope', engineering: 1 }] },
        { capacity: Array.from({ length: 13 }, (_, i) => ({ milestoneId: `m${i}`, engineering: 1 })) },
      ).chain((b) => fc.constantFrom('/api/v1/plan', '/api/v1/plan/accept').map((path) => ({ method: 'POST', path, body: b, klass: 'invalid' as Klass, label: `plan ${JSON.stringify(b).slice(0, 60)}` }))),
      // whole document
      name.map((nm) => {
        const doc = fixtureRoadmap(TODAY);
        doc.themes[0].name = nm;
        doc.mission.statement = nm;
        return { method: 'PUT', path: '/api/v1/roadmap', body: doc, klass: 'valid' as Klass, label: 'roadmap' };
      }),
      fc.constantFrom('dupe', 'dangling', 'too many', 'no mission', 'epics object', 'story dangling').map((kind) => {
        const doc: any = fixtureRoadmap(TODAY);
        if (kind === 'dupe') doc.themes.push({ id: 'core', name: 'Again' });
        if (kind === 'dangling') doc.epics[0].themeId = 'nope';
        if (kind === 'too many') doc.themes = Array.from({ length: 51 }, (_, i) => ({ id: i === 0 ? 'core' : `t${i}`, name: 'T' }));
        if (kind === 'no mission') delete doc.mission;
        if (kind === 'epics object') doc.epics = {};
        if (kind === 'story dangling') doc.stories[0].epicId = 'nope';
        return { method: 'PUT', path: '/api/v1/roadmap', body: doc, klass: 'invalid' as Klass, label: `roadmap ${kind}` };
      }),
      // lone surrogates in free text: stored as sent on both local backends (see docs/reliability.md)
      fc.nat().map((i) => ({ method: 'POST', path: '/api/v1/themes', body: { id: `lone-${i}-${n}`, name: 'lone \ud800 half' }, klass: 'either' as Klass, label: 'lone surrogate name' })),
    ];
    await fc.assert(
      fc.asyncProperty(fc.oneof(...writes), async (w) => {
        n++;
        stats.apiWrites++;
        const before = await api('GET', '/api/v1/roadmap');
        const res = await api(w.method, w.path, toJson(w.body));
        if (w.klass === 'valid') expect(res.status, `${w.label}: ${JSON.stringify(res.json).slice(0, 300)}`).toBeLessThan(300);
        if (w.klass === 'invalid') expect(res.status, `${w.label} accepted`).toBeGreaterThanOrEqual(400);
        const after = await api('GET', '/api/v1/roadmap');
        if (res.status >= 400) {
          expect(after.json, `${w.label}: a rejected write changed the roadmap`).toEqual(before.json);
          return;
        }
        const sent = JSON.parse(toJson(w.body));
        if (w.path === '/api/v1/roadmap') expect(after.json).toEqual(res.json);
        if (w.path === '/api/v1/mission') expect(after.json.mission.statement).toBe(sent.statement.trim());
        const list = w.path.match(/^\/api\/v1\/(themes|milestones|epics|stories)(?:\/([^/]+))?$/);
        if (list) {
          const id = list[2] ?? sent.id;
          const stored = (after.json[list[1]] as { id: string }[]).find((x) => x.id === id);
          expect(stored, `${w.label}: stored`).toEqual(res.json);
          for (const k of ['name', 'title'] as const) if (typeof sent[k] === 'string') expect((stored as any)[k]).toBe(sent[k].trim());
        }
        if (w.path.endsWith('/ship')) expect(after.json.epics.find((e: { id: string }) => e.id === 'shipped-epic').shippedAt).toBe(sent.shippedAt);
      }),
      runs(220),
    );
    const doc = (await api('GET', '/api/v1/roadmap')).json;
    const parsed = Roadmap.safeParse(doc);
    expect(parsed.success, JSON.stringify(parsed.error?.issues?.slice(0, 3))).toBe(true);
    expect(roadmapProblems(doc)).toEqual([]);
  });

  it('ids and dates on every route: over the store\'s key limit, NUL, traversal, impossible days → 400/404, never 500', async () => {
    const hostileId = fc.oneof(
      fc.constantFrom('a'.repeat(1025), 'x'.repeat(4000), '\u0000', 'a\u0000b', '..', '../..', '%00', '%2e%2e', 'é'.repeat(600), ' ', 'UPPER lower', '__proto__x'.repeat(200), 'a#b', 'KEY#x', 'CRED#x', '%ED%A0%80'),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).filter((s) => isWellFormed(s) && !/^[a-z0-9][a-z0-9-]{0,63}$/.test(s)),
      fc.integer({ min: 1025, max: 5000 }).map((n) => 'k'.repeat(n)),
    );
    const hostileDate = fc.oneof(
      fc.constantFrom('\u0000', '2026-02-31', '2026-13-01', '2026-00-10', '0000-00-00', '9999-99-99', '2026-1-1', '2026-01-01T00:00:00Z', 'today', '', ' ', 'x'.repeat(2000), '+275760-09-13', '-000001-01-01', '2026-02-29'),
      fc.string({ maxLength: 12 }),
    );
    // fill a route's other parts with what a valid request would send (the fixture's own builder)
    const fakeEnv: RouteEnv = { today: TODAY, iterationId: 'no-such-iteration', admin: async () => ({ status: 201, body: { id: 'x', code: 'x', key: 'x' } }) };
    const withIds = ROUTES.filter((r) => r.path.includes('{id}'));
    expect(withIds.length).toBeGreaterThan(15);
    const iteration = await api('POST', '/api/v1/iterations', JSON.stringify({ name: 'hostile ids' }));
    const dated = [
      (d: string) => `/api/v1/impact?asOf=${encodeURIComponent(d)}`,
      (d: string) => `/api/v1/calibration?asOf=${encodeURIComponent(d)}`,
      (d: string) => `/api/v1/epics/shipped-epic/outcome?asOf=${encodeURIComponent(d)}`,
      (d: string) => `/api/v1/iterations/${iteration.json.id}/diff?against=${encodeURIComponent(d)}`,
    ];
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...withIds), hostileId, fc.boolean(), async (route, id, encode) => {
        const req = await route.request(fakeEnv, 0);
        // a UTF-16 half (lone surrogate) goes as its raw UTF-8 bytes, which no decoder accepts
        const value = id === '%ED%A0%80' ? id : encode ? encodeURIComponent(id) : id.replace(/[/?#%]/g, encodeURIComponent);
        const path = route.path.replace('{id}', value);
        const write = route.method !== 'GET';
        const before = write ? await api('GET', '/api/v1/roadmap') : undefined;
        const res = await send(route.method, path, req.body === undefined ? undefined : JSON.stringify(req.body), ctx.tokens.admin);
        tried++;
        expect([400, 404], `${route.method} ${path.slice(0, 80)} → ${res.status} ${JSON.stringify(res.json).slice(0, 160)}`).toContain(res.status);
        if (before) expect((await api('GET', '/api/v1/roadmap')).json).toEqual(before.json);
      }),
      runs(120),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...dated), hostileDate, async (url, d) => {
        const res = await api('GET', url(d));
        tried++;
        const real = /^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d);
        if (url(d).includes('against=')) expect([400, 404]).toContain(res.status);
        else if (real) expect(res.status).toBe(200);
        else expect(res.status, `${url(d).slice(0, 80)} → ${res.status}`).toBe(400);
      }),
      runs(80),
    );
    stats.apiWrites += tried;
  }, 240_000);

  it('limits: within them accepted, beyond them refused with the reason', async () => {
    const at = new Date(NOW - DAY).toISOString();
    // one event just under 32 KB is stored; one over is rejected, the rest of its batch is not
    const big = { type: 'track', event: 'Used A', userId: 'limit-user', messageId: 'limit-31k', timestamp: at, properties: { pad: 'p'.repeat(31 * 1024) } };
    const over = { ...big, messageId: 'limit-33k', properties: { pad: 'p'.repeat(33 * 1024) } };
    const res = await ingest('/v1/batch', toJson({ batch: [big, over] }));
    expect(res.json).toMatchObject({ accepted: 1, rejected: [{ index: 1, messageId: 'limit-33k', reason: expect.stringContaining('32 KB') }] });
    model.apply([{ raw: JSON.parse(toJson(big)) }]);
    stats.events.valid++;
    stats.events.invalid++;

    // 2,500 events in one batch (under 500 KB) are stored; 2,501 are refused whole
    const many = Array.from({ length: 2500 }, (_, i) => ({ type: 'identify', userId: `bulk-${i % 50}`, messageId: `bulk-${i}`, timestamp: at }));
    const ok = await ingest('/v1/batch', toJson({ batch: many }));
    expect(ok.json).toMatchObject({ accepted: 2500, duplicates: 0, rejected: [] });
    model.apply(many.map((e) => ({ raw: e })));
    stats.events.valid += 2500;
    const tooMany = await ingest('/v1/batch', toJson({ batch: [...many, { ...many[0], messageId: 'bulk-2500' }] }));
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.error.message).toContain('2500');
    stats.events.invalid += 2501;

    // a batch over 500 KB is 413, whatever it holds
    const heavy = Array.from({ length: 20 }, (_, i) => ({ ...big, messageId: `heavy-${i}` }));
    expect((await ingest('/v1/batch', toJson({ batch: heavy }))).status).toBe(413);

    // 1,000 metrics are fine, 1,001 are not
    const metrics = Array.from({ length: 1000 }, (_, i) => ({ name: 'bulk_kpi', date: addDays(TODAY, -(i % 300)), value: i }));
    const m = await ingest('/v1/metrics', toJson({ metrics }));
    expect(m.json).toMatchObject({ accepted: 300, rejected: [] });
    for (const x of metrics) model.kpis.set(`${x.name}|${x.date}`, x.value);
    expect((await ingest('/v1/metrics', toJson({ metrics: [...metrics, metrics[0]] }))).status).toBe(400);
    expect((await ingest('/v1/metrics', toJson({ metrics: [] }))).status).toBe(400);
    stats.metrics += 2001;

    // API: a 2 MB body is 413; arrays beyond the document's limits are 400
    expect((await api('PUT', '/api/v1/roadmap', toJson({ ...fixtureRoadmap(TODAY), pad: 'x'.repeat(2 * 1024 * 1024) }))).status).toBe(413);
    const stories = Array.from({ length: 5001 }, (_, i) => ({ id: `s${i}`, epicId: 'shipped-epic', title: 'S' }));
    expect((await api('PUT', '/api/v1/roadmap', toJson({ ...fixtureRoadmap(TODAY), stories }))).status).toBe(400);
    // 100,000 levels of nesting, on every kind of endpoint
    for (const path of ['/v1/batch', '/v1/track', '/v1/metrics']) expect((await ingest(path, deepText(100_000, 'array'))).status).toBeGreaterThanOrEqual(400);
    expect((await ingest('/v1/batch', `{"batch":[{"userId":"u","event":"x","messageId":"deep-100k","properties":{"d":${deepText(100_000, 'array')}}}]}`)).json).toMatchObject({ accepted: 0, rejected: [{ index: 0 }] });
    expect((await api('PUT', '/api/v1/roadmap', deepText(300_000, 'object'))).status).toBe(400);
    // the document limits hold one entity at a time too, so an export can always be re-imported
    expect((await api('PUT', '/api/v1/roadmap', toJson(fixtureRoadmap(TODAY)))).status).toBe(200);
    for (let i = 1; i < 50; i++) expect((await api('POST', '/api/v1/themes', toJson({ id: `many-${i}`, name: 'T' }))).status).toBe(201);
    const fiftyFirst = await api('POST', '/api/v1/themes', toJson({ id: 'many-50', name: 'T' }));
    expect([fiftyFirst.status, fiftyFirst.json.error.message]).toEqual([400, expect.stringContaining('at most 50 themes')]);
    const exported = await api('GET', '/api/v1/roadmap');
    expect(exported.json.themes).toHaveLength(50);
    expect((await api('PUT', '/api/v1/roadmap', toJson(exported.json))).status).toBe(200);
    expect((await api('PUT', '/api/v1/roadmap', toJson(fixtureRoadmap(TODAY)))).status).toBe(200);
    // KPI values at the store's smallest magnitude around a ship day: the outcome's statistics hold
    const tinyDoc = fixtureRoadmap(TODAY);
    tinyDoc.epics[0].targets = [{ metric: 'kpi:tiny', op: '>=', value: 1e-130, windowDays: 28 }];
    // a shipped epic's targets are frozen (an import may not move them): drop the epic first, then import it anew
    const withoutShipped = (doc: typeof tinyDoc) => ({ ...doc, epics: doc.epics.filter((e) => e.status !== 'shipped'), stories: [] });
    expect((await api('PUT', '/api/v1/roadmap', toJson(withoutShipped(tinyDoc)))).status).toBe(200);
    expect((await api('PUT', '/api/v1/roadmap', toJson(tinyDoc))).status).toBe(200);
    const ship = tinyDoc.epics[0].shippedAt!;
    const tiny = [-3, -2, 0, 1, 5].map((d, i) => ({ name: 'tiny', date: addDays(ship, d), value: [1e-130, 3e-130, 2e-130, 5e-130, 4e-130][i] }));
    expect((await ingest('/v1/metrics', toJson({ metrics: tiny }))).json).toMatchObject({ accepted: 5 });
    for (const x of tiny) model.kpis.set(`${x.name}|${x.date}`, x.value);
    const outcome = await api('GET', '/api/v1/epics/shipped-epic/outcome');
    expect(outcome.status).toBe(200);
    expect(outcome.json.kpis[0]).toMatchObject({ name: 'tiny', before: { n: 2 }, after: { n: 3 } });
    expect((await api('PUT', '/api/v1/roadmap', toJson(withoutShipped(tinyDoc)))).status).toBe(200);
    expect((await api('PUT', '/api/v1/roadmap', toJson(fixtureRoadmap(TODAY)))).status).toBe(200);
    // hostile query strings on the read side
    for (const q of ['asOf=9999-99-99', 'asOf=0001-01-01x', 'windowDays=NaN', 'windowDays=1e999', 'windowDays=-1', 'windowDays=181', 'asOf[]=x', '__proto__[polluted]=1', 'constructor[prototype][polluted]=1']) {
      const r = await api('GET', `/api/v1/epics/shipped-epic/outcome?${q}`);
      expect(r.status, q).toBe(400);
    }
    for (const q of ['__proto__=1', 'constructor=1', 'asOf=0001-01-01', 'asOf=9999-12-31']) {
      expect((await api('GET', `/api/v1/epics/shipped-epic/outcome?${q}`)).status, q).toBeLessThan(500);
      expect((await api('GET', `/api/v1/impact?${q}`)).status, q).toBeLessThan(500);
    }
    for (const q of ['days=0', 'days=91', 'days=NaN', 'days=1e999', 'days=-5']) expect((await api('GET', `/api/v1/ingest/stats?${q}`)).status, q).toBe(400);
  });

  it('stored state equals what the valid inputs alone imply; nothing polluted a prototype', async () => {
    expect(({} as any).polluted).toBeUndefined();
    expect(protoKeys()).toEqual(protoBefore);
    expect(crashes).toEqual([]);

    const items: Record<string, any>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const out = await ctx.services.store.doc.send(new ScanCommand({ TableName: ctx.services.store.table, ExclusiveStartKey }));
      items.push(...(out.Items ?? []));
      ExclusiveStartKey = out.LastEvaluatedKey;
    } while (ExclusiveStartKey);

    const diffs: string[] = [];
    const compare = (what: string, want: string[], have: string[]) => {
      const w = new Set(want);
      const h = new Set(have);
      const missing = [...w].filter((x) => !h.has(x));
      const extra = [...h].filter((x) => !w.has(x));
      if (want.length !== w.size || have.length !== h.size) diffs.push(`${what}: duplicated entries`);
      if (missing.length || extra.length) diffs.push(`${what}: ${missing.length} missing (${missing.slice(0, 3).join(', ')}), ${extra.length} extra (${extra.slice(0, 3).join(', ')})`);
    };

    // raw events: one per distinct messageId, and one per distinct content sent without one
    const rawEvents = items.filter((i) => String(i.PK).startsWith('EVT#'));
    const explicit = [...model.events.keys()].filter((k) => !k.startsWith('auto:'));
    compare('raw events (explicit ids)', explicit, rawEvents.filter((i) => !String(i.id).startsWith('auto-')).map((i) => i.id));
    const autos = model.events.size - explicit.length;
    if (rawEvents.filter((i) => String(i.id).startsWith('auto-')).length !== autos) diffs.push(`raw events (content ids): want ${autos}`);
    // each stored raw event carries the meaning of the first version sent
    for (const r of rawEvents) {
      const m = model.events.get(r.id);
      if (!m) continue;
      const got = { type: r.t, user: r.u, date: r.d, event: r.e, epicId: r.ep, survey: r.sc ? { scale: r.sc, score: r.s } : undefined };
      const want = { type: m.type, user: m.user === null ? null : pseudonymize(ctx.services.pseudonymKey, m.user), date: m.date, event: m.event, epicId: m.epicId, survey: m.survey };
      if (JSON.stringify(got) !== JSON.stringify(want)) diffs.push(`raw event ${r.id}: ${JSON.stringify(got)} ≠ ${JSON.stringify(want)}`);
    }

    // activity facts: per user and day, one item per usage key (or one bare item)
    const perUserDay = new Map<string, { hash: string; date: string; keys: Set<string> }>();
    const surveys: string[] = [];
    for (const [k, m] of model.events) {
      if (m.survey) surveys.push(`${m.date}|${m.epicId ?? 'product'}|${m.survey.scale}|${m.survey.score}|${k.startsWith('auto:') ? 'auto' : k}`);
      if (m.user === null || m.type === 'alias' || m.type === 'group') continue;
      const hash = pseudonymize(ctx.services.pseudonymKey, m.user);
      const uk = `${hash}|${m.date}`;
      let f = perUserDay.get(uk);
      if (!f) perUserDay.set(uk, (f = { hash, date: m.date, keys: new Set() }));
      if (m.type === 'track' && m.event !== SURVEY) {
        f.keys.add(`ev:${m.event}`);
        if (m.epicId) f.keys.add(`epic:${m.epicId}`);
      }
    }
    const wantFacts: string[] = [];
    for (const f of perUserDay.values()) {
      const month = f.date.slice(0, 7);
      const shard = shardOf(f.hash, USER_FACT_SHARDS);
      const day = dayNumber(f.date);
      if (!f.keys.size) wantFacts.push(`${K.userFact(month, shard, f.hash, day).PK}|${K.userFact(month, shard, f.hash, day).SK}`);
      for (const k of f.keys) wantFacts.push(`${K.userFact(month, shard, f.hash, day, k).PK}|${K.userFact(month, shard, f.hash, day, k).SK}`);
    }
    // a plain user-day item beside usage items of the same user-day is redundant (ingest writes it when
    // a request carries only non-usage events of a day whose usage came in another request): same meaning
    const storedFacts = items.filter((i) => String(i.PK).startsWith('UF#')).map((i) => `${i.PK}|${i.SK}`);
    const usageDays = new Set(storedFacts.filter((k) => k.split('#').length > 4).map((k) => k.split('#').slice(0, 4).join('#')));
    const redundant = storedFacts.filter((k) => k.split('#').length === 4 && usageDays.has(k));
    stats.redundantFacts = redundant.length;
    compare('activity facts', wantFacts, storedFacts.filter((k) => !redundant.includes(k)));
    compare(
      'satisfaction responses',
      surveys,
      items.filter((i) => String(i.PK).startsWith('SRV#')).map((i) => {
        const id = String(i.SK).slice(11);
        return `${i.d}|${i.scope}|${i.sc}|${i.s}|${id.startsWith('auto-') ? 'auto' : id}`;
      }),
    );
    compare(
      'KPI values',
      [...model.kpis].map(([k, v]) => `${k}|${v === 0 ? 0 : v}`),
      items.filter((i) => String(i.PK).startsWith('KPI#')).map((i) => `${i.name}|${i.date}|${i.value}`),
    );

    // the rebuild job finds nothing to repair
    const report = await rebuild(ctx.services);
    if (report.userFacts.missing || report.userFacts.extra || report.surveys.missing || report.surveys.extra) diffs.push(`rebuild: ${JSON.stringify(report)}`);

    // daily active users of the rollup = distinct users per day the model implies
    await runRollup(ctx.services, { force: true });
    const from = addDays(TODAY, -180).slice(0, 7);
    const months = [...new Set([...perUserDay.values()].map((f) => f.date.slice(0, 7)))].filter((m) => m >= from).sort();
    const rolled = await ctx.services.analytics.monthRollups(months);
    const wantActive = new Map<string, number>();
    for (const f of perUserDay.values()) if (f.date.slice(0, 7) >= from) wantActive.set(f.date, (wantActive.get(f.date) ?? 0) + 1);
    const haveActive = new Map<string, number>();
    for (const r of rolled) for (const [d, c] of Object.entries(r.active)) haveActive.set(d, Number(c));
    compare('daily active users', [...wantActive].map(([d, c]) => `${d}=${c}`), [...haveActive].map(([d, c]) => `${d}=${c}`));

    stats.corruptions = diffs.length;
    expect(diffs).toEqual([]);
    expect(model.events.size).toBeGreaterThan(500);
    expect(stats.crashes).toBe(0);
  });
});
