import { it } from 'vitest';
import { createTestContext } from '../helpers/context';
it('probe', async () => {
  const ctx = await createTestContext();
  const t = ctx.tokens.ingest;
  const show = async (label: string, path: string, body: unknown) => {
    const r = await ctx.call('POST', path, { token: t, body });
    console.log(label, r.status, JSON.stringify(r.body).slice(0, 300));
  };
  await show('future 1e20', '/v1/batch', { batch: [{ type: 'track', event: 'x', userId: 'u', messageId: 'm1', timestamp: 1e20 }] });
  await show('past -1e20', '/v1/batch', { batch: [{ type: 'track', event: 'x', userId: 'u', messageId: 'm2', timestamp: -1e20 }] });
  await show('lone1', '/v1/batch', { batch: [{ type: 'track', event: 'x', userId: 'u', messageId: 'x\ud800' }] });
  await show('lone2', '/v1/batch', { batch: [{ type: 'track', event: 'x', userId: 'u', messageId: 'x\ud801' }] });
  await show('deep 10k', '/v1/batch', '{"batch":[{"type":"track","event":"x","userId":"u","messageId":"d1","properties":{"a":' + '['.repeat(10000) + ']'.repeat(10000) + '}}]}');
  await show('deep 100k', '/v1/batch', '{"batch":[{"type":"track","event":"x","userId":"u","messageId":"d2","properties":{"a":' + '['.repeat(100000) + ']'.repeat(100000) + '}}]}');
  await show('deep 10k track', '/v1/track', '{"event":"x","userId":"u","messageId":"d3","properties":{"a":' + '['.repeat(10000) + ']'.repeat(10000) + '}}');
  await show('1e999', '/v1/metrics', '{"metrics":[{"name":"k","date":"2026-01-01","value":1e999}]}');
  await show('proto', '/v1/batch', '{"batch":[{"type":"track","event":"x","userId":"u","messageId":"p1","__proto__":{"polluted":1},"properties":{"__proto__":{"epicId":"e1"},"constructor":{"prototype":{"polluted":2}}}}]}');
  console.log('polluted', ({} as any).polluted);
  const { ScanCommand } = await import('@aws-sdk/lib-dynamodb');
  const out = await ctx.services.store.doc.send(new ScanCommand({ TableName: ctx.services.store.table }));
  for (const i of out.Items ?? []) if (String(i.PK).startsWith('EVT#')) console.log(JSON.stringify(i));
  await ctx.close();
});
