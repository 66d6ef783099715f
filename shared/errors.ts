/** The project's error shape: `{ "error": { code, message, details? } }`. Pure. */
import { z } from 'zod';

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof ErrorBody>;

/** Flatten zod issues into `{ path, message }` pairs a person can read. */
export function issuesOf(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }));
}

/** One-line summary of zod issues, for error messages. */
export function summarize(error: z.ZodError, max = 3): string {
  const list = issuesOf(error);
  const head = list.slice(0, max).map((i) => `${i.path}: ${i.message}`).join('; ');
  return list.length > max ? `${head}; and ${list.length - max} more` : head;
}
