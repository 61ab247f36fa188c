/**
 * Wise's error bodies, one helper per family (shared/wise-api/errors-and-limits.md §2), so
 * every route answers in the shape Wise uses for that kind of failure.
 */
import type { Response } from 'express';

export type FieldError = { code: string; message: string; path?: string; arguments?: string[] };

/** Family 1: validation errors, `{"errors":[{code,message,path,arguments}]}`. */
export function validationError(res: Response, status: number, errors: FieldError[], withTimestamp = false): void {
  res.status(status).json(withTimestamp ? { timestamp: new Date().toISOString(), errors } : { errors });
}

/** A required field that is missing, as Wise's validation reports it. */
export function notNull(path: string): FieldError {
  return { code: 'NotNull', message: `${path} must not be null`, path, arguments: [path] };
}

/** Family 2: OAuth and bearer-token errors. */
export function oauthError(res: Response, status: number, error: string, description: string): void {
  res.status(status).json({ error, error_description: description });
}

/** Family 3: plain forbidden — another user's resource, or an SCA challenge. */
export function forbidden(res: Response): void {
  res.status(403).json({ error: 'forbidden' });
}

/** Family 4: Spring's default error body, used by Wise for 404s and system errors. */
export function springError(res: Response, status: number, message: string): void {
  const reason: Record<number, string> = { 404: 'Not Found', 405: 'Method Not Allowed', 500: 'Internal Server Error', 503: 'Service Unavailable' };
  res.status(status).json({
    timestamp: new Date().toISOString().replace('Z', '+0000'),
    status,
    error: reason[status] ?? 'Error',
    message,
    path: res.req.originalUrl.split('?')[0],
  });
}

/** Family 5: problem details, seen for an unsupported media type. */
export function problem(res: Response, status: number, title: string, detail: string): void {
  res
    .status(status)
    .type('application/problem+json')
    .send(JSON.stringify({ type: 'about:blank', title, status, detail, instance: res.req.originalUrl.split('?')[0] }));
}

export function notFound(res: Response, what: string): void {
  springError(res, 404, `${what} not found`);
}

/** A resource the caller must own: 404 when it does not exist, 403 when it is another user's. */
export function owned<T extends { userId: number }>(res: Response, record: T | undefined, userId: number, what: string): T | undefined {
  if (!record) {
    notFound(res, what);
    return undefined;
  }
  if (record.userId !== userId) {
    forbidden(res);
    return undefined;
  }
  return record;
}
