/**
 * Proof that a server-side rename fails the dashboard's type check: renames a response field
 * (`asOf` of Impact → `asOfDay`) in a copy of the OpenAPI document, generates schema.d.ts from
 * it into a temporary copy of web/src and shared/, and runs `tsc` there. Exits 0 when tsc
 * FAILS on the rename (and passes on the unchanged document), 1 otherwise.
 *
 *   npm run check:api-rename
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { apiDocument, generateApiTypes, renameField } from './gen-api-types';

const ROOT = resolve(import.meta.dirname, '..');

function tscOn(schema: string): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sextant-rename-'));
  try {
    cpSync(join(ROOT, 'web/src'), join(dir, 'web/src'), { recursive: true });
    cpSync(join(ROOT, 'shared'), join(dir, 'shared'), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    writeFileSync(join(dir, 'web/src/api/schema.d.ts'), schema);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: join(ROOT, 'tsconfig.json'), include: ['web/src', 'shared'], compilerOptions: { types: ['vite/client'] } }));
    try {
      execFileSync(join(ROOT, 'node_modules/.bin/tsc'), ['--noEmit', '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8', stdio: 'pipe' });
      return { ok: true, output: '' };
    } catch (e) {
      return { ok: false, output: String((e as { stdout?: string }).stdout ?? e) };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const doc = apiDocument();
  const baseline = tscOn(await generateApiTypes(doc));
  if (!baseline.ok) {
    console.error(`the unchanged document does not type-check:\n${baseline.output}`);
    process.exit(1);
  }
  const renamed = tscOn(await generateApiTypes(renameField(doc, 'Impact', 'asOf', 'asOfDay')));
  if (renamed.ok) {
    console.error('renaming Impact.asOf in the document did NOT fail the web type check');
    process.exit(1);
  }
  console.log(`ok: the unchanged document type-checks; renaming Impact.asOf fails it:\n${renamed.output.split('\n').slice(0, 3).join('\n')}`);
}

void main();
