/**
 * Is the embedded on-disk store held by another process (a running server)? dynalite's LevelDB
 * takes a lock on `<data dir>/dynalite/LOCK`; a second opener would crash inside dynalite with an
 * uncatchable "Database is closed", so the CLI asks first, with the same LevelDB binding.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

/** The directory dynalite keeps its LevelDB in, for a data dir. */
export const embeddedStorePath = (dataDir: string) => resolve(dataDir, 'dynalite');

export async function embeddedStoreLocked(dataDir: string): Promise<boolean> {
  const path = embeddedStorePath(dataDir);
  if (!existsSync(path)) return false;
  // the `level` package dynalite itself uses (resolved from dynalite, not a second copy)
  const req = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  const { Level } = req('level') as { Level: new (p: string, o?: object) => { open(o?: object): Promise<void>; close(): Promise<void> } };
  const db = new Level(path, { createIfMissing: false });
  try {
    await db.open();
    await db.close();
    return false;
  } catch (e) {
    const err = e as { code?: string; cause?: { code?: string } };
    if (err.cause?.code === 'LEVEL_LOCKED' || err.code === 'LEVEL_LOCKED') return true;
    return false; // not a LevelDB yet (or unreadable): dynalite reports that itself
  }
}
