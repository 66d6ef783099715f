/**
 * RollupLagSeconds: how long changes have waited without a finished rollup covering them. When
 * the state is dirty, that is the time since the later of the oldest pending change
 * (`dirtySince`) and the start of the last finished rollup (`rolledUpAt`: changes before it are
 * covered); 0 when clean. It keeps growing while rollups fail, and stays near the tick interval
 * under continuous ingest.
 * New events are measured by the change-log cursor instead (ingest marks nothing dirty): the
 * time since the newest change the coordinator has consumed.
 * Emitted by the worker after every tick, failed or not (metric RollupLagSeconds).
 */
export function rollupLagSeconds(state: { dirtyGen?: number; rolledGen?: number; dirtySince?: string; rolledUpAt?: string }, now: number, changeLogCursor?: number): number {
  // events: the change log is consumed up to the coordinator's cursor (normally now − its lag
  // − at most one tick); a cursor that stops moving is a rollup falling behind
  const events = changeLogCursor !== undefined && changeLogCursor > 0 ? Math.max(0, Math.round((now - changeLogCursor) / 1000)) : 0;
  // roadmap changes (signals, ships) and KPI values still mark the state dirty
  if ((state.dirtyGen ?? 0) <= (state.rolledGen ?? 0) || !state.dirtySince) return events;
  const since = Math.max(Date.parse(state.dirtySince), state.rolledUpAt ? Date.parse(state.rolledUpAt) : 0);
  return Math.max(events, Math.max(0, Math.round((now - since) / 1000)));
}
