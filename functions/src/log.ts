/** Structured JSON logs, one line per record. Never pass credentials or raw user ids. */
type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };
let threshold: number = order[(process.env.SEXTANT_LOG_LEVEL as Level) ?? 'info'] ?? 20;
let sink: (line: string) => void = (line) => process.stdout.write(line + '\n');

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
  write(level: Level, msg: string, fields: Record<string, unknown> = {}) {
    if (order[level] < threshold) return;
    sink(redact(JSON.stringify({ level, time: new Date().toISOString(), msg, ...fields })));
  },
  debug: (msg: string, f?: Record<string, unknown>) => log.write('debug', msg, f),
  info: (msg: string, f?: Record<string, unknown>) => log.write('info', msg, f),
  warn: (msg: string, f?: Record<string, unknown>) => log.write('warn', msg, f),
  error: (msg: string, f?: Record<string, unknown>) => log.write('error', msg, f),
};
