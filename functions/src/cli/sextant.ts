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
import { parseArgs } from 'node:util';
import { KeyScope } from '../../../shared/keys';
import { purgeExpired, rebuild } from '../analytics/jobs';
import { runRollup } from '../analytics/rollup';
import { bootstrap } from '../bootstrap';
import { loadConfig } from '../config';
import { log } from '../log';

const USAGE = `usage: npm run sextant -- <command>
  keys create --name <name> [--scope ingest|viewer|editor|admin]   (default scope: ingest)
  keys list
  keys revoke <id>
  rollup
  rebuild [--fix]
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
  let services;
  try {
    services = await bootstrap(config);
  } catch (e) {
    const msg = (e as Error).message;
    if (/lock/i.test(msg)) {
      out(`The store in ${config.SEXTANT_DATA_DIR} is in use by a running server. Stop it, or use the API (POST /api/v1/keys).`);
      return 1;
    }
    throw e;
  }
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
      out(JSON.stringify(report, null, 2));
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
