/**
 * A small query cache (what react-query would do, in 100 lines): one entry per key, shared by
 * every component that reads it, refetched on `invalidate(prefix)` after a mutation.
 */
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';

export type QueryStatus = 'loading' | 'success' | 'error';

interface Entry<T = unknown> {
  status: QueryStatus;
  data?: T;
  error?: unknown;
  fetching: boolean;
  fetcher: (signal: AbortSignal) => Promise<T>;
  controller?: AbortController;
  listeners: Set<() => void>;
  /** snapshot object handed to React; replaced on every change */
  snapshot: QuerySnapshot<T>;
}

export interface QuerySnapshot<T> {
  status: QueryStatus;
  data: T | undefined;
  error: unknown;
  fetching: boolean;
}

const cache = new Map<string, Entry>();

function publish(entry: Entry) {
  entry.snapshot = { status: entry.status, data: entry.data, error: entry.error, fetching: entry.fetching };
  entry.listeners.forEach((l) => l());
}

function run(key: string, entry: Entry) {
  entry.controller?.abort();
  const controller = new AbortController();
  entry.controller = controller;
  entry.fetching = true;
  if (entry.status === 'error') entry.status = 'loading';
  publish(entry);
  entry.fetcher(controller.signal).then(
    (data) => {
      if (controller.signal.aborted || cache.get(key) !== entry) return;
      entry.status = 'success';
      entry.data = data;
      entry.error = undefined;
      entry.fetching = false;
      publish(entry);
    },
    (error) => {
      if (controller.signal.aborted || cache.get(key) !== entry) return;
      entry.status = entry.data !== undefined ? 'success' : 'error';
      entry.error = error;
      entry.fetching = false;
      publish(entry);
    },
  );
}

function ensure<T>(key: string, fetcher: (signal: AbortSignal) => Promise<T>): Entry<T> {
  let entry = cache.get(key) as Entry<T> | undefined;
  if (!entry) {
    entry = {
      status: 'loading',
      fetching: false,
      fetcher,
      listeners: new Set(),
      snapshot: { status: 'loading', data: undefined, error: undefined, fetching: true },
    };
    cache.set(key, entry as Entry);
    run(key, entry as Entry);
  } else {
    entry.fetcher = fetcher;
  }
  return entry;
}

const IDLE: QuerySnapshot<never> = { status: 'loading', data: undefined, error: undefined, fetching: false };

export interface QueryResult<T> extends QuerySnapshot<T> {
  refetch(): void;
}

/** Read `key` through the cache; `key` null waits (e.g. until a parameter is known). */
export function useQuery<T>(key: string | null, fetcher: (signal: AbortSignal) => Promise<T>): QueryResult<T> {
  const fetcherRef = useRef(fetcher);
  fetcherRef.current = fetcher;
  const subscribe = useCallback(
    (listener: () => void) => {
      if (key === null) return () => undefined;
      const entry = ensure(key, (s) => fetcherRef.current(s));
      entry.listeners.add(listener);
      return () => entry.listeners.delete(listener);
    },
    [key],
  );
  const getSnapshot = useCallback(() => {
    if (key === null) return IDLE as QuerySnapshot<T>;
    return (ensure(key, (s) => fetcherRef.current(s)) as Entry<T>).snapshot;
  }, [key]);
  const snap = useSyncExternalStore(subscribe, getSnapshot, getSnapshot);
  const refetch = useCallback(() => {
    if (key === null) return;
    const entry = cache.get(key);
    if (entry) run(key, entry);
  }, [key]);
  return { ...snap, refetch };
}

/** Refetch every cached query whose key starts with `prefix` (drop the ones nobody reads). */
export function invalidate(prefix: string) {
  for (const [key, entry] of [...cache.entries()]) {
    if (!key.startsWith(prefix)) continue;
    if (entry.listeners.size === 0) cache.delete(key);
    else run(key, entry);
  }
}

/** Forget everything (sign-out). */
export function clearQueries() {
  for (const entry of cache.values()) entry.controller?.abort();
  cache.clear();
}

export interface MutationState<R> {
  status: 'idle' | 'pending' | 'success' | 'error';
  data: R | undefined;
  error: unknown;
}

/** A write: `mutate(input)` resolves with the result, or rejects (and `error` holds it). */
export function useMutation<I, R>(fn: (input: I) => Promise<R>) {
  const [state, setState] = useState<MutationState<R>>({ status: 'idle', data: undefined, error: undefined });
  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);
  const mutate = useCallback(
    async (input: I): Promise<R> => {
      setState({ status: 'pending', data: undefined, error: undefined });
      try {
        const data = await fn(input);
        if (alive.current) setState({ status: 'success', data, error: undefined });
        return data;
      } catch (error) {
        if (alive.current) setState({ status: 'error', data: undefined, error });
        throw error;
      }
    },
    [fn],
  );
  const reset = useCallback(() => setState({ status: 'idle', data: undefined, error: undefined }), []);
  return { ...state, mutate, reset, pending: state.status === 'pending' };
}
