/**
 * Powertools on the bundled handlers, invoked in-process against dynalite with the output of
 * the process captured: metrics leave as embedded-metric-format lines (namespace Sextant,
 * dimension service=sextant) that CloudWatch turns into the metrics the alarms watch; log lines
 * keep Sextant's shape and carry the request id and cold start; a failing job is logged and
 * reported as a batch item failure (SQS retries it, then the jobs DLQ holds it); a failing
 * tick is logged and thrown (Lambda retries it, then the on-failure destination holds it).
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRIC } from '../../functions/src/lambda/metric-names';
import { bundleLambdas } from '../helpers/bundle';
import { testEndpoint } from '../helpers/context';

type Http = (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
type Worker = { handler: (e: unknown, c?: unknown) => Promise<unknown>; queueHandler: (e: unknown, c?: unknown) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }> };

const captured: string[] = [];
const restore: (() => void)[] = [];
function capture() {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      captured.push(...(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')).split('\n').filter(Boolean));
      void rest; // kept off the terminal: the EMF and log lines are what this test reads
      return true;
    }) as typeof stream.write;
    restore.push(() => (stream.write = write as typeof stream.write));
  }
}
/** JSON lines written since `from` */
const linesSince = (from: number) => captured.slice(from).flatMap((l) => (l.startsWith('{') ? [JSON.parse(l) as Record<string, any>] : [])); // eslint-disable-line @typescript-eslint/no-explicit-any
const emf = (lines: Record<string, any>[]) => lines.filter((l) => l._aws); // eslint-disable-line @typescript-eslint/no-explicit-any

let n = 0;
const context = () => ({ functionName: 'sextant-test', awsRequestId: `req-${++n}`, invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:sextant-test', memoryLimitInMB: '1024', getRemainingTimeInMillis: () => 10_000 });

function httpEvent(method: string, path: string, body: unknown, headers: Record<string, string>) {
  const now = Date.now();
  return {
    version: '2.0',
    routeKey: path.startsWith('/v1/') ? 'POST /v1/{proxy+}' : 'ANY /api/{proxy+}',
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', host: 'abc123.execute-api.eu-west-1.amazonaws.com', ...headers },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'test' },
      requestId: randomBytes(8).toString('hex'),
      routeKey: '$default',
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    body: JSON.stringify(body),
    isBase64Encoded: false,
  };
}

describe('Powertools on the bundled handlers', () => {
  let server: Server | undefined;
  let files: Awaited<ReturnType<typeof bundleLambdas>>['bundles'];
  let api: Http;
  let ingest: Http;
  let worker: Worker;
  const adminToken = `sx_adm_${randomBytes(20).toString('hex')}`;
  const env: Record<string, string | undefined> = {};

  beforeAll(async () => {
    let endpoint = testEndpoint();
    if (!endpoint) {
      const { default: dynalite } = await import('dynalite');
      server = dynalite({ createTableMs: 0 });
      await new Promise<void>((ok) => server!.listen(0, '127.0.0.1', () => ok()));
      endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    }
    const vars = {
      DYNAMODB_ENDPOINT: endpoint,
      SEXTANT_TABLE: `obs_${randomBytes(4).toString('hex')}`,
      SEXTANT_PSEUDONYM_KEY: randomBytes(32).toString('hex'),
      SEXTANT_ADMIN_TOKEN: adminToken,
      SEXTANT_ENSURE_ADMIN: '1',
      SEXTANT_LOG_LEVEL: 'info',
      // one request per key and minute: the second request of a key is shed with 429
      SEXTANT_RATE_LIMIT_PER_MINUTE: '1',
      POWERTOOLS_SERVICE_NAME: 'test-fn',
      // set by the Lambda runtime; Powertools reports cold starts only for on-demand environments
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    };
    for (const [k, v] of Object.entries(vars)) {
      env[k] = process.env[k];
      process.env[k] = v;
    }
    files = (await bundleLambdas()).bundles;
    api = (await import(files.api.file)).handler;
    ingest = (await import(files.ingest.file)).handler;
    worker = await import(files.worker.file);
    capture();
  }, 120_000);

  afterAll(async () => {
    for (const r of restore) r();
    for (const [k, v] of Object.entries(env)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    if (server) await new Promise<void>((ok) => server!.close(() => ok()));
  });

  it('keeps the bundles under 1.5 MB with Powertools inside', () => {
    // (the API bundle carries the dashboard's whole API: roadmap, outcomes, asks with MiniSearch and
    // csv-parse, the monthly review and digests, sign-in; README "Benchmarks" has the figures)
    for (const [name, b] of Object.entries(files)) expect(b.bytes, name).toBeLessThan(1.5 * 1024 * 1024);
  });

  it('the worker emits rollup duration and lag; its log lines carry the request id and cold start in Sextant\'s shape (first invocation of the process: cold)', async () => {
    const from = captured.length;
    const first = context();
    await worker.handler({ source: 'sextant.schedule' }, first);
    const lines = linesSince(from);
    const done = lines.find((l) => l.msg === 'scheduled work done');
    expect(done).toMatchObject({ level: 'info', service: 'test-fn', requestId: first.awsRequestId, coldStart: true, functionName: 'sextant-test' });
    expect(typeof done!.time).toBe('string');
    expect(done!.result.rollup.ran).toBe(true);
    const metrics = emf(lines);
    expect(metrics).toHaveLength(1);
    expect(metrics[0]._aws.CloudWatchMetrics[0].Metrics).toEqual(expect.arrayContaining([{ Name: METRIC.rollupLag, Unit: 'Seconds' }, { Name: METRIC.rollupDuration, Unit: 'Milliseconds' }]));
    // a rollup just consumed the change log up to now − its read lag (2 s locally): that is the lag
    expect(metrics[0][METRIC.rollupLag]).toBeGreaterThanOrEqual(0);
    expect(metrics[0][METRIC.rollupLag]).toBeLessThanOrEqual(3);
    expect(metrics[0][METRIC.rollupDuration]).toBe(done!.result.rollup.ms);

    const next = context();
    const from2 = captured.length;
    await worker.handler({ source: 'sextant.schedule' }, next);
    expect(linesSince(from2).find((l) => l.msg === 'scheduled work done')).toMatchObject({ requestId: next.awsRequestId, coldStart: false });
  });

  it('ingest emits accepted, duplicates, rejected and shed events as EMF metrics', async () => {
    const auth = { authorization: `Bearer ${adminToken}` };
    const keyOf = async (name: string) => JSON.parse((await api(httpEvent('POST', '/api/v1/keys', { name, scope: 'ingest' }, auth), context())).body).key as string;
    const [a, b] = [await keyOf('obs a'), await keyOf('obs b')];
    const basic = (k: string) => ({ authorization: 'Basic ' + Buffer.from(`${k}:`).toString('base64') });
    const ts = new Date(Date.now() - 3600_000).toISOString();
    const track = (id: string) => ({ type: 'track', messageId: id, userId: `u-${id}`, event: 'App Opened', timestamp: ts });

    let from = captured.length;
    const first = await ingest(httpEvent('POST', '/v1/batch', { batch: [...['m1', 'm2', 'm3', 'm4', 'm5'].map(track), { type: 'track', messageId: 'bad' }] }, basic(a)), context());
    expect(JSON.parse(first.body)).toMatchObject({ accepted: 5, duplicates: 0, rejected: [expect.objectContaining({ index: 5 })] });
    let metrics = emf(linesSince(from));
    expect(metrics).toHaveLength(1);
    expect(metrics[0]._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'Sextant', Dimensions: [['service']] });
    expect(metrics[0]._aws.CloudWatchMetrics[0].Metrics).toEqual(
      expect.arrayContaining([{ Name: METRIC.eventsAccepted, Unit: 'Count' }, { Name: METRIC.eventsDuplicate, Unit: 'Count' }, { Name: METRIC.eventsRejected, Unit: 'Count' }]),
    );
    expect(metrics[0]).toMatchObject({ service: 'sextant', [METRIC.eventsAccepted]: 5, [METRIC.eventsDuplicate]: 0, [METRIC.eventsRejected]: 1 });

    from = captured.length;
    const again = await ingest(httpEvent('POST', '/v1/batch', { batch: ['m1', 'm2', 'm3', 'm6'].map(track) }, basic(b)), context());
    expect(JSON.parse(again.body)).toMatchObject({ accepted: 1, duplicates: 3 });
    expect(emf(linesSince(from))[0]).toMatchObject({ [METRIC.eventsAccepted]: 1, [METRIC.eventsDuplicate]: 3, [METRIC.eventsRejected]: 0 });

    from = captured.length;
    const shed = await ingest(httpEvent('POST', '/v1/batch', { batch: ['m7', 'm8', 'm9'].map(track) }, basic(b)), context());
    expect(shed.statusCode).toBe(429);
    metrics = emf(linesSince(from));
    expect(metrics).toHaveLength(1);
    expect(metrics[0]).toMatchObject({ [METRIC.eventsShed]: 3 });
    expect(metrics[0][METRIC.eventsAccepted]).toBeUndefined();
  });

  it('a failing queued job is logged, counted and reported as a batch item failure; the others succeed', async () => {
    const from = captured.length;
    const ctx = context();
    const out = await worker.queueHandler(
      {
        Records: [
          { messageId: 'ok-1', body: JSON.stringify({ job: 'rollup' }), attributes: { ApproximateReceiveCount: '1' } },
          { messageId: 'bad-1', body: JSON.stringify({ job: 'nonsense' }), attributes: { ApproximateReceiveCount: '3' } },
          { messageId: 'bad-2', body: '{not json', attributes: { ApproximateReceiveCount: '1' } },
          // a credential pasted where a job name belongs: logged, but redacted as locally
          { messageId: 'bad-3', body: JSON.stringify({ job: 'sx_adm_0123456789abcdef0123456789' }), attributes: { ApproximateReceiveCount: '1' } },
        ],
      },
      ctx,
    );
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: 'bad-1' }, { itemIdentifier: 'bad-2' }, { itemIdentifier: 'bad-3' }]);
    const lines = linesSince(from);
    const failed = lines.filter((l) => l.msg === 'job failed');
    expect(failed).toEqual([
      expect.objectContaining({ level: 'error', requestId: ctx.awsRequestId, messageId: 'bad-1', job: 'nonsense', receiveCount: 3, error: 'ZodError', message: expect.any(String) }),
      expect.objectContaining({ level: 'error', messageId: 'bad-2', error: 'SyntaxError', message: expect.any(String) }),
      expect.objectContaining({ level: 'error', messageId: 'bad-3', job: 'sx_adm_012345…' }),
    ]);
    expect(captured.slice(from).join('\n')).not.toContain('0123456789abcdef0123456789');
    expect(lines.find((l) => l.msg === 'job done')).toMatchObject({ messageId: 'ok-1', job: 'rollup' });
    expect(lines.some((l) => String(l.msg).includes('reserved key'))).toBe(false);
    expect(emf(lines)[0]).toMatchObject({ [METRIC.jobsFailed]: 3 });
  });

  it('a failing tick is logged and thrown, so Lambda retries it and then sends it to the on-failure destination', async () => {
    // a fresh container (module instance) whose store is unreachable: a real connection failure
    const previous = process.env.DYNAMODB_ENDPOINT;
    process.env.DYNAMODB_ENDPOINT = 'http://127.0.0.1:9';
    try {
      const broken: Worker = await import(`${files.worker.file}?broken`);
      const from = captured.length;
      const ctx = context();
      await expect(broken.handler({ source: 'sextant.schedule' }, ctx)).rejects.toThrow();
      const failed = linesSince(from).find((l) => l.msg === 'scheduled work failed');
      expect(failed).toMatchObject({ level: 'error', requestId: ctx.awsRequestId, error: expect.any(String), message: expect.any(String) });
      // and the queue consumer of that container reports every message for retry
      const out = await broken.queueHandler({ Records: [{ messageId: 'x', body: '{"job":"rollup"}' }] }, context());
      expect(out.batchItemFailures).toEqual([{ itemIdentifier: 'x' }]);
    } finally {
      process.env.DYNAMODB_ENDPOINT = previous;
    }
  }, 60_000);
});
