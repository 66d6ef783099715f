/**
 * web/src/api/schema.d.ts is generated from the server's OpenAPI document
 * (scripts/gen-api-types.ts): the committed file must be what the document gives today, and a
 * field renamed in the document must fail the web app's type check (here at the type level;
 * `npm run check:api-rename` runs tsc on a copy of the web app with a renamed document).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Impact as ImpactOut } from '../../shared/impact';
import type { Ask as AskOut } from '../../shared/asks';
import type { Api, Schemas } from '../../web/src/api/types';
import { apiDocument, generateApiTypes, renameField, SCHEMA_FILE } from '../../scripts/gen-api-types';

// Compile-time: what `npm run typecheck` checks for every response type in web/src/api/types.ts.
type RenamedImpact = Omit<Schemas['Impact'], 'asOf'> & { asOfDay: string };
type RetypedAsk = Omit<Schemas['Ask'], 'title'> & { title: number };
// @ts-expect-error a field renamed in the document: the server type no longer satisfies it
export type RenameFails = Api<ImpactOut, RenamedImpact>;
// @ts-expect-error a field retyped in the document fails too
export type RetypeFails = Api<AskOut, RetypedAsk>;
export type TodayPasses = Api<ImpactOut, Schemas['Impact']>;

describe('generated API types', () => {
  it('are current (else: run npm run gen:api)', async () => {
    const fresh = await generateApiTypes();
    const committed = readFileSync(SCHEMA_FILE, 'utf8');
    expect(committed === fresh, 'web/src/api/schema.d.ts is stale: run npm run gen:api').toBe(true);
  }, 120_000);

  it('follow a renamed response field', async () => {
    const renamed = await generateApiTypes(renameField(apiDocument(), 'Impact', 'asOf', 'asOfDay'));
    const start = renamed.indexOf('        Impact: {');
    const impact = renamed.slice(start, renamed.indexOf('\n        };', start));
    expect(impact).toContain('asOfDay: string;');
    expect(impact).not.toMatch(/\basOf: string;/);
  }, 120_000);
});
