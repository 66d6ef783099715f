/** Domain errors: one base class with a status and a stable code; mapped to the error shape in app.onError. */
export class AppError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 500 | 503,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}
export const badRequest = (message: string, details?: unknown) => new AppError(400, 'invalid_request', message, details);
export const unauthorized = (message = 'missing or invalid credentials') => new AppError(401, 'unauthorized', message);
export const forbidden = (message: string) => new AppError(403, 'forbidden', message);
export const notFound = (what: string, id: string) => new AppError(404, 'not_found', `${what} "${id}" not found`);
export const conflict = (message: string, details?: unknown) => new AppError(409, 'conflict', message, details);
export const tooLarge = (message: string) => new AppError(413, 'payload_too_large', message);
export const rateLimited = (retryAfterSeconds: number) =>
  new AppError(429, 'rate_limited', `rate limit exceeded; retry after ${retryAfterSeconds}s`, { retryAfterSeconds });
export const unavailable = (message = 'the store is unavailable; retry later') => new AppError(503, 'unavailable', message);
