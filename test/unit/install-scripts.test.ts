/**
 * A clean `npm ci` prints no install-scripts warning: package.json's `allowScripts` (npm 11)
 * covers every locked dependency with an install script — esbuild (its postinstall checks the
 * platform binary) and classic-level (node-gyp-build: the prebuilt LevelDB binding of the
 * embedded store, or a build when none fits). Verified by hand with `npm ci` in a copy of
 * package.json + package-lock.json: with the field, no warning; without it, npm warns about both.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> };
const lock = JSON.parse(readFileSync(resolve(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { hasInstallScript?: boolean }> };

describe('install scripts', () => {
  it('every locked package with an install script is reviewed in allowScripts, and nothing else is listed', () => {
    const withScripts = Object.entries(lock.packages)
      .filter(([, p]) => p.hasInstallScript)
      .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length))
      .sort();
    const reviewed = Object.keys(pkg.allowScripts ?? {}).map((k) => k.replace(/@[^@/]+$/, '')).sort();
    expect(reviewed).toEqual(withScripts);
    // allowed: what the product needs (esbuild's binary check, the embedded store's LevelDB binding);
    // denied: msgpackr-extract, a test-only dependency's optional native build (msgpackr falls back to JS)
    const allowed = Object.entries(pkg.allowScripts ?? {}).filter(([, v]) => v).map(([k]) => k).sort();
    expect(allowed).toEqual(['classic-level', 'esbuild']);
    expect(pkg.allowScripts?.['msgpackr-extract']).toBe(false);
  });
});
