/**
 * Structured JSON logs, one line per record: `{ level, time, msg, ...fields }`. Never pass
 * credentials or raw user ids. On Lambda a backend (functions/src/lambda/observability.ts,
 * Powertools) writes the records in the same shape, adding the request id and cold start.
 */
export type Level = 'debug' | 'info' | 'warn' | 'error';
export type LogBackend = (level: Level, msg: string, fields: Record<string, unknown>) => void;
const order: Record<Level | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };
let threshold: number = order[(process.env.SEXTANT_LOG_LEVEL as Level) ?? 'info'] ?? 20;
let sink: (line: string) => void = (line) => process.stdout.write(line + '\n');
let backend: LogBackend | undefined;

const SECRET = /(sx_[a-z]{3}_[A-Za-z0-9]{6})[A-Za-z0-9]+/g;
/** Redact anything that looks like a Sextant key, keeping its visible prefix. */
export const redact = (s: string) => s.replace(SECRET, '$1…');

export const log = {
  setLevel(level: Level | 'silent') {
    threshold = order[level];
  },
  setSink(fn: (line: string) => void) {
    sink = fn;
  },
  /** Hand records (already filtered by level) to another writer, e.g. the Powertools logger; undefined restores the sink. */
  setBackend(fn: LogBackend | undefined) {
    backend = fn;
  },
  write(level: Level, msg: string, fields: Record<string, unknown> = {}) {
    if (order[level] < threshold) return;
    if (backend) return backend(level, msg, fields);
    sink(redact(JSON.stringify({ level, time: new Date().toISOString(), msg, ...fields })));
  },
  debug: (msg: string, f?: Record<string, unknown>) => log.write('debug', msg, f),
  info: (msg: string, f?: Record<string, unknown>) => log.write('info', msg, f),
  warn: (msg: string, f?: Record<string, unknown>) => log.write('warn', msg, f),
  error: (msg: string, f?: Record<string, unknown>) => log.write('error', msg, f),
};
