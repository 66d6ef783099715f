/**
 * `npm run sextant -- <command>`: operate a Sextant store directly.
 *   keys create --name <name> [--scope ingest|viewer|editor|admin]
 *   keys list
 *   keys revoke <id>
 *   rollup                 recompute rollups now
 *   rebuild [--fix]        recompute every aggregate from raw events; report (and fix) differences
 *   purge                  delete raw events past retention
 * Uses the same configuration as the server (SEXTANT_STORE, SEXTANT_DATA_DIR, DYNAMODB_ENDPOINT…).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { KeyScope } from '../../../shared/keys';
import { purgeExpired, rebuild, type RebuildReport } from '../analytics/jobs';
import { runRollup } from '../analytics/rollup';
import { bootstrap } from '../bootstrap';
import { loadConfig } from '../config';
import { log } from '../log';
import { embeddedStoreLocked } from '../store/lock';

/** What to do instead of a CLI command while the server holds the store. */
function insteadOf(cmd: string, sub: string | undefined): string {
  const api = (call: string) => `stop it, or use the API (${call})`;
  if (cmd === 'keys' && sub === 'create') return api('POST /api/v1/keys, or the dashboard → Settings');
  if (cmd === 'keys' && sub === 'list') return api('GET /api/v1/keys');
  if (cmd === 'keys' && sub === 'revoke') return api('DELETE /api/v1/keys/<id>');
  if (cmd === 'rollup') return api('POST /api/v1/rollups');
  if (cmd === 'purge') return 'stop it first (the running server purges expired raw events every hour by itself)';
  return `stop it first (${cmd} has no API: it needs the store to itself)`;
}

/** The rebuild report in words: what was compared, and why stored and expected counts differ. */
export function describeRebuild(r: RebuildReport): string[] {
  const n = (x: number) => x.toLocaleString('en-US');
  const u = r.userFacts;
  const s = r.surveys;
  const lines = [
    `Compared ${n(r.rawEvents)} raw events with the stored facts of ${r.months.length ? `${r.months[0]} … ${r.months.at(-1)}` : 'no month'} (months older than the raw-event retention are skipped).`,
    `User-day facts: ${n(u.expected)} expected from the raw events, ${n(u.stored)} stored; ${n(u.missing)} missing, ${n(u.extra)} extra.`,
  ];
  if (r.redundantUserFacts) {
    lines.push(
      `  The stored count includes ${n(r.redundantUserFacts)} redundant plain "active on day d" facts beside usage facts of the same user and day`,
      `  (written when a day's usage and its other events arrived in different requests). They mean the same and are not differences:`,
      `  stored ${n(u.stored)} = expected ${n(u.expected)} + redundant ${n(r.redundantUserFacts)} + extra ${n(u.extra)} − missing ${n(u.missing)}.`,
    );
  }
  lines.push(`Survey facts: ${n(s.expected)} expected, ${n(s.stored)} stored; ${n(s.missing)} missing, ${n(s.extra)} extra.`);
  return lines;
}

const USAGE = `usage: npm run sextant -- <command>
  keys create --name <name> [--scope ingest|viewer|editor|admin]   (default scope: ingest)
  keys list
  keys revoke <id>
  rollup
  rebuild [--fix] [--json]
  purge`;

export async function runCli(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s + '\n')): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { name: { type: 'string' }, scope: { type: 'string', default: 'ingest' }, fix: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
  });
  const [cmd, sub, arg] = positionals;
  if (!cmd || (cmd === 'keys' && !['create', 'list', 'revoke'].includes(sub ?? ''))) {
    out(USAGE);
    return 2;
  }
  log.setLevel('warn');
  const config = loadConfig({ ...process.env, SEXTANT_DEMO: '0' });
  // a second opener of the embedded store would crash inside dynalite: ask first
  if (config.SEXTANT_STORE === 'dynalite' && (await embeddedStoreLocked(config.SEXTANT_DATA_DIR))) {
    out(`The Sextant server is running and holds the store in ${resolve(config.SEXTANT_DATA_DIR)}: ${insteadOf(cmd, sub)}.`);
    return 1;
  }
  const services = await bootstrap(config);
  try {
    if (cmd === 'keys' && sub === 'create') {
      if (!values.name) {
        out('keys create needs --name <name>');
        return 2;
      }
      const scope = KeyScope.safeParse(values.scope);
      if (!scope.success) {
        out(`--scope must be one of ingest, viewer, editor, admin`);
        return 2;
      }
      const k = await services.keys.create({ name: values.name, scope: scope.data });
      out(values.json ? JSON.stringify(k) : `Created ${k.scope} key "${k.name}" (id ${k.id}). It is shown once:\n\n  ${k.key}\n`);
      return 0;
    }
    if (cmd === 'keys' && sub === 'list') {
      const list = await services.keys.list();
      if (values.json) out(JSON.stringify(list));
      else for (const k of list) out(`${k.id}\t${k.scope}\t${k.prefix}…\t${k.name}\t${k.createdAt}${k.revokedAt ? `\trevoked ${k.revokedAt}` : ''}`);
      return 0;
    }
    if (cmd === 'keys' && sub === 'revoke') {
      if (!arg) {
        out('keys revoke needs the key id (see keys list)');
        return 2;
      }
      const k = await services.keys.revoke(arg);
      if (!k) {
        out(`no key with id ${arg}`);
        return 1;
      }
      out(`Revoked ${k.id} (${k.name}).`);
      return 0;
    }
    if (cmd === 'rollup') {
      out(JSON.stringify(await runRollup(services, { force: true })));
      return 0;
    }
    if (cmd === 'rebuild') {
      const report = await rebuild(services, { fix: values.fix });
      const diffs = report.userFacts.missing + report.userFacts.extra + report.surveys.missing + report.surveys.extra;
      if (values.json) out(JSON.stringify(report, null, 2));
      else for (const line of describeRebuild(report)) out(line);
      out(diffs === 0 ? 'No differences: stored aggregates equal what the raw events imply.' : `${diffs} difference(s)${report.fixed ? ' fixed' : '; run with --fix to repair'}.`);
      return diffs && !report.fixed ? 3 : 0;
    }
    if (cmd === 'purge') {
      out(JSON.stringify(await purgeExpired(services)));
      return 0;
    }
    out(USAGE);
    return 2;
  } finally {
    await services.store.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error((e as Error).message);
      process.exit(1);
    },
  );
}
