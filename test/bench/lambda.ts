/**
 * Lambda bundles: size of each function's bundle (minified, as deployed) and its import time
 * in Node against an empty handler's, measured in fresh processes (a cold start's module load).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { bundleLambdas, LAMBDA_ENTRIES } from '../helpers/bundle';

function importMs(file: string, runs = 7): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', `const t = performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now() - t);`], {
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    times.push(Number(out.toString().trim()));
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

export async function benchLambda() {
  const { outDir, bundles } = await bundleLambdas();
  const empty = join(outDir, 'empty.mjs');
  writeFileSync(empty, 'export const handler = async () => ({ statusCode: 200, body: "" });\n');
  const emptyMs = importMs(empty);
  // the floor set by what every function needs: the DynamoDB client and zod, bundled alike
  const floorSrc = join(process.cwd(), '.tools', 'lambda-floor.ts');
  mkdirSync(dirname(floorSrc), { recursive: true });
  writeFileSync(floorSrc, "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nimport { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';\nimport { z } from 'zod';\nexport const handler = async () => ({ ok: [DynamoDBClient, DynamoDBDocumentClient, z].length });\n");
  const floor = join(outDir, 'floor.mjs');
  await build({ entryPoints: [floorSrc], outfile: floor, bundle: true, platform: 'node', format: 'esm', target: 'node22', minify: true, logLevel: 'error', banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" } });
  const floorMs = importMs(floor);
  const functions = Object.fromEntries(
    LAMBDA_ENTRIES.map((name) => {
      const ms = importMs(bundles[name].file);
      return [
        name,
        {
          minifiedKB: Math.round(bundles[name].bytes / 1024),
          gzipKB: Math.round(gzipSync(readFileSync(bundles[name].file)).length / 1024),
          importMs: Math.round(ms * 10) / 10,
          importVsEmpty: Math.round((ms / emptyMs) * 10) / 10,
          importVsSdkFloor: Math.round((ms / floorMs) * 100) / 100,
        },
      ];
    }),
  );
  return {
    emptyHandlerImportMs: Math.round(emptyMs * 10) / 10,
    sdkFloorImportMs: Math.round(floorMs * 10) / 10,
    sdkFloorNote: 'a handler importing only @aws-sdk/client-dynamodb, lib-dynamodb and zod, bundled the same way',
    functions,
    aims: { minifiedKB: 1024, importVsEmpty: 3 },
  };
}
