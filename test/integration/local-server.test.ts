/**
 * `npm start`'s server on the embedded on-disk store: first run seeds Fabrikam, a restart
 * neither re-seeds nor duplicates anything, data persists, and the sign-in link is renewed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../functions/src/config';
import { startServer } from '../../functions/src/local/server';

describe('local server on the on-disk store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sextant-local-'));
  const config = loadConfig({ SEXTANT_STORE: 'dynalite', SEXTANT_DATA_DIR: dir, PORT: '0', SEXTANT_DEMO: '1', SEXTANT_DEMO_USERS: '60', SEXTANT_LOG_LEVEL: 'silent' });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const get = async (url: string, path: string, token: string) => {
    const res = await fetch(url + path, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('seeds once, persists across a restart, and renews the sign-in token', async () => {
    const first = await startServer(config, { quiet: true });
    const health = await fetch(`${first.url}/health`);
    expect(health.status).toBe(200);
    const roadmap1 = await get(first.url, '/api/v1/roadmap', first.signInToken);
    expect(roadmap1.status).toBe(200);
    expect(roadmap1.body.themes.map((t: { id: string }) => t.id)).toEqual(['acquire', 'ai-styling', 'retention', 'checkout']);
    expect(roadmap1.body.epics.length).toBeGreaterThanOrEqual(15);
    expect(roadmap1.body.epics.filter((e: { status: string }) => e.status === 'shipped').length).toBeGreaterThan(0);
    expect(roadmap1.body.stories.length).toBeGreaterThan(0);
    const stats1 = await get(first.url, '/api/v1/ingest/stats', first.signInToken);
    const received1 = stats1.body.days.reduce((s: number, d: { received: number }) => s + d.received, 0);
    expect(received1).toBeGreaterThan(0);
    const impact1 = await get(first.url, '/api/v1/impact', first.signInToken);
    // the demo's history: three monthly iterations, seeded once
    const iterations1 = await get(first.url, '/api/v1/iterations', first.signInToken);
    expect(iterations1.body).toHaveLength(3);
    const oldToken = first.signInToken;
    await first.close();

    const second = await startServer(config, { quiet: true });
    try {
      expect(second.signInToken).not.toBe(oldToken);
      expect((await get(second.url, '/api/v1/roadmap', oldToken)).status).toBe(401);
      const roadmap2 = await get(second.url, '/api/v1/roadmap', second.signInToken);
      expect(roadmap2.body).toEqual(roadmap1.body);
      const stats2 = await get(second.url, '/api/v1/ingest/stats', second.signInToken);
      expect(stats2.body.days.reduce((s: number, d: { received: number }) => s + d.received, 0)).toBe(received1);
      const impact2 = await get(second.url, '/api/v1/impact', second.signInToken);
      expect(impact2.body.epics).toEqual(impact1.body.epics);
      expect((await get(second.url, '/api/v1/iterations', second.signInToken)).body).toEqual(iterations1.body);
      const keys = await get(second.url, '/api/v1/keys', second.signInToken);
      expect(keys.body.filter((k: { id: string }) => k.id === 'bootstrap-admin')).toHaveLength(1);
    } finally {
      await second.close();
    }
  }, 120_000);
});
