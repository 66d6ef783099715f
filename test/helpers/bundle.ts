/**
 * Bundle the Lambda entry points the way the CDK app does (esbuild: ESM, node22, minified,
 * createRequire banner, dynalite external) so tests and the benchmark exercise the real bundles.
 */
import { build } from 'esbuild';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const LAMBDA_ENTRIES = ['api', 'ingest', 'worker'] as const;
export type LambdaEntry = (typeof LAMBDA_ENTRIES)[number];

export async function bundleLambdas(outDir = mkdtempSync(join(tmpdir(), 'sextant-lambda-'))) {
  const out: Record<LambdaEntry, { file: string; bytes: number }> = {} as never;
  for (const name of LAMBDA_ENTRIES) {
    const file = join(outDir, `${name}.mjs`);
    await build({
      entryPoints: [resolve('functions/src/lambda', `${name}.ts`)],
      outfile: file,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      mainFields: ['module', 'main'],
      minify: true,
      sourcemap: false,
      external: ['dynalite'],
      banner: { js: "import { createRequire as __sextantCreateRequire } from 'node:module'; const require = __sextantCreateRequire(import.meta.url);" },
      logLevel: 'error',
    });
    out[name] = { file, bytes: statSync(file).size };
  }
  return { outDir, bundles: out };
}
