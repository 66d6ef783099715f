/** Build the dashboard for browser tests when web/dist is older than its sources. */
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const DIST_INDEX = join(ROOT, 'web/dist/index.html');

/** Newest modification time under a folder. */
function newest(dir: string): number {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newest(p) : s.mtimeMs);
  }
  return t;
}

export function ensureWebBuilt() {
  const stale = !existsSync(DIST_INDEX) || statSync(DIST_INDEX).mtimeMs < Math.max(newest(join(ROOT, 'web/src')), newest(join(ROOT, 'shared')));
  if (stale) execSync('npm run build:web', { cwd: ROOT, stdio: 'inherit' });
}
