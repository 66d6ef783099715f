/**
 * The header row of a CSV (RFC 4180 quoting) and a first guess of the column mapping, so the
 * import dialog can offer columns before the server parses the whole file.
 */
import type { AskFieldPath } from '../../../../../shared/constants';

/** Cells of the first record (quoted cells may hold commas, quotes and newlines). */
export function csvHeader(csv: string): string[] {
  const text = csv.replace(/^\uFEFF/, '');
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell.trim());
      cell = '';
    } else if (ch === '\n' || ch === '\r') break;
    else cell += ch;
  }
  cells.push(cell.trim());
  return cells.filter((c, i) => c !== '' || i < cells.length - 1);
}

const GUESSES: [AskFieldPath, RegExp][] = [
  ['externalId', /^(id|ticket( id)?|external ?id|case( number)?|key)$/i],
  ['title', /^(title|subject|summary|request|idea|name)$/i],
  ['text', /^(text|body|description|details|comment|message)$/i],
  ['account.id', /^(account( id)?|company( id)?|organi[sz]ation( id)?|customer)$/i],
  ['account.name', /^(account name|company name|organi[sz]ation name)$/i],
  ['account.plan', /^(plan|tier|segment)$/i],
  ['account.arr', /^(arr|company arr|account arr|revenue|mrr)$/i],
  ['requesterId', /^(requester( id)?|user( id)?|reporter|email)$/i],
  ['askedAt', /^(date|created( at)?|asked( at)?|opened|submitted( at)?)$/i],
  ['url', /^(url|link|ticket url)$/i],
  ['epicIds', /^(epics?|epic ids?|linked epics?)$/i],
  ['source', /^(source|channel|origin)$/i],
];

/** A first mapping from header names (each column used once); the person corrects it. */
export function guessMapping(headers: string[]): Partial<Record<AskFieldPath, string>> {
  const out: Partial<Record<AskFieldPath, string>> = {};
  const used = new Set<string>();
  for (const [field, re] of GUESSES) {
    const col = headers.find((h) => re.test(h) && !used.has(h));
    if (col) {
      out[field] = col;
      if (field !== 'account.id') used.add(col);
    }
  }
  if (out['account.id'] && !out['account.name']) out['account.name'] = out['account.id'];
  return out;
}
