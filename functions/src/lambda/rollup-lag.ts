/**
 * RollupLagSeconds: how long changes have waited without a finished rollup covering them. When
 * the state is dirty, that is the time since the later of the oldest pending change
 * (`dirtySince`) and the start of the last finished rollup (`rolledUpAt`: changes before it are
 * covered); 0 when clean. It keeps growing while rollups fail, and stays near the tick interval
 * under continuous ingest.
 * Emitted by the worker after every tick, failed or not (metric RollupLagSeconds).
 */
export function rollupLagSeconds(state: { dirtyGen?: number; rolledGen?: number; dirtySince?: string; rolledUpAt?: string }, now: number): number {
  if ((state.dirtyGen ?? 0) <= (state.rolledGen ?? 0) || !state.dirtySince) return 0;
  const since = Math.max(Date.parse(state.dirtySince), state.rolledUpAt ? Date.parse(state.rolledUpAt) : 0);
  return Math.max(0, Math.round((now - since) / 1000));
}
