/**
 * Route parameters, one schema for every route: ids in the path (and id-valued query
 * parameters such as `against`), and dates (`asOf`). A value that cannot be a stored id or a
 * real calendar day is a client error (400), never a store error (500): the store refuses keys
 * over 1 KB, and `2026-02-31` or `%00` are no days. Pure.
 */
import { z } from 'zod';
import { isoDate } from './primitives';

/** Any id Sextant creates: roadmap slugs, key ids (`key_…`, `ses_…`, `bootstrap-admin`), iteration ids. */
export const RouteId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/, 'ids are 1–128 letters, digits, "_", ".", ":" or "-", starting with a letter or digit')
  .meta({ id: 'RouteId' });

/** A date parameter `YYYY-MM-DD` that exists. */
export const DateParam = isoDate;

/** The path parameters of a route: every one of them is an id. */
export const RouteParams = z.record(z.string(), RouteId);
