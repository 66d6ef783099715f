/**
 * Plain constants of the domain, with no runtime imports, so the dashboard can use them
 * without pulling zod into its initial bundle.
 */

/** Roles in increasing power: each can do what the ones before it can. */
export const ROLE_RANK = { viewer: 1, editor: 2, admin: 3 } as const;

/** The default outcome window W, in days (DESIGN.md "Outcome definitions"). */
export const DEFAULT_WINDOW_DAYS = 28;

/** The customer-ask fields a CSV column can be mapped to (dotted for nested ones). */
export const ASK_FIELD_PATHS = ['externalId', 'source', 'title', 'text', 'account.id', 'account.name', 'account.plan', 'account.arr', 'requesterId', 'askedAt', 'url', 'epicIds'] as const;
export type AskFieldPath = (typeof ASK_FIELD_PATHS)[number];
