/**
 * Browser access from the bank's web apps on other origins (CORS_ORIGINS). A preflight is
 * answered here, before authentication — browsers never send a token with one — and a refused
 * origin gets an answer without CORS headers, which the browser treats as "no". Uses the
 * `cors` package (the express project's own) rather than hand-written headers.
 */
import cors from 'cors';
import type { NextFunction, Request, Response } from 'express';

export function corsForOrigins(origins: string[]) {
  const allowed = new Set(origins);
  const handle = cors({
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    methods: ['GET', 'POST'],
    allowedHeaders: ['authorization', 'content-type', 'x-request-id'],
    exposedHeaders: ['x-request-id', 'retry-after'],
    // Browsers cache the answer this long (seconds), so one preflight serves many requests.
    maxAge: 600,
  });
  return (req: Request, res: Response, next: NextFunction) =>
    handle(req, res, (error?: unknown) => {
      if (error) return next(error);
      // A preflight from an origin not on the list: answered, with no permission in it.
      if (req.method === 'OPTIONS') return void res.status(204).end();
      next();
    });
}
