/**
 * How one environment variable is read: each parser takes the trimmed string (an empty value
 * counts as unset) and either returns the typed value or adds an issue whose message completes
 * the sentence "<NAME> …". `parseEnv` runs a catalogue of them and collects every problem.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseKeyRing } from '../lib/secret-box.js';

/** The environment as given: names to raw strings. */
export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Never echo a password embedded in a URL back into a log or error message. */
export function redactUrl(value: string): string {
  return value.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

export function refuse(ctx: z.RefinementCtx, message: string): never {
  ctx.addIssue({ code: 'custom', message });
  return z.NEVER;
}

export const text = () => z.string();
export const oneOf = <T extends string>(allowed: readonly T[]) =>
  z.string().transform((v, ctx): T => ((allowed as readonly string[]).includes(v) ? (v as T) : refuse(ctx, `must be one of ${allowed.join(', ')} (got "${v}")`)));
export const flag = () => oneOf(['true', 'false'] as const).transform((v) => v === 'true');
export const wholeNumber = (min: number, max: number, unit = '') =>
  z.string().transform((v, ctx) => {
    const n = Number(v);
    return /^\d+$/.test(v) && n >= min && n <= max ? n : refuse(ctx, `must be a whole number${unit} from ${min} to ${max} (got "${v}")`);
  });
export const positiveNumber = (unit: string) =>
  z.string().transform((v, ctx) => (Number(v) > 0 && Number.isFinite(Number(v)) ? Number(v) : refuse(ctx, `must be a positive number of ${unit} (got "${v}")`)));
export const port = () =>
  z.string().transform((v, ctx) => {
    const n = Number(v);
    return /^\d+$/.test(v) && n <= 65535 ? n : refuse(ctx, `must be a TCP port number between 0 and 65535 (got "${v}")`);
  });
export const url = (...protocols: string[]) =>
  z.string().transform((v, ctx) => {
    try {
      if (protocols.includes(new URL(v).protocol)) return v;
    } catch {
      // reported below
    }
    return refuse(ctx, `must be a ${protocols.join(' or ')} URL (got "${redactUrl(v)}")`);
  });
export const pem = (kind: 'PUBLIC KEY' | 'PRIVATE KEY') =>
  z.string().transform((v, ctx) => {
    const value = v.replace(/\\n/g, '\n');
    return value.includes(kind) ? value : refuse(ctx, `must be a PEM ${kind.toLowerCase()} ("-----BEGIN ${kind}-----…"; \\n for line breaks)`);
  });
export const pemFile = () =>
  z.string().transform((file, ctx) => {
    try {
      const value = readFileSync(file, 'utf8');
      if (value.includes('PRIVATE KEY')) return value;
      return refuse(ctx, `must name a readable PEM private key file (${file} is not a PEM private key)`);
    } catch (error) {
      return refuse(ctx, `must name a readable PEM private key file (${(error as Error).message})`);
    }
  });
export const list = <T>(item: (v: string) => T | undefined, what: string) =>
  z.string().transform((v, ctx) => {
    const items = v.split(',').map((s) => s.trim()).filter(Boolean);
    const parsed = items.map(item);
    return parsed.every((p) => p !== undefined) ? (parsed) : refuse(ctx, `must be ${what} (got "${v}")`);
  });
export const currency = (v: string) => (/^[A-Za-z]{3}$/.test(v) ? v.toUpperCase() : undefined);
export const origin = (v: string) => {
  try {
    const parsed = new URL(v);
    return (parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.origin === v.replace(/\/$/, '') ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
};
export const keyRing = () =>
  z.string().transform((v, ctx) => {
    const parsed = parseKeyRing(v);
    return typeof parsed === 'string' ? refuse(ctx, `: ${parsed}`) : parsed;
  });

/**
 * Parses each variable on its own, so that every malformed one is reported, not only the first;
 * an empty value counts as unset. Returns the typed values and the problems, each a sentence
 * that starts with the variable's name.
 */
export function parseEnv<S extends Record<string, z.ZodType>>(schemas: S, env: Env): { values: { [K in keyof S]?: z.output<S[K]> }; problems: string[] } {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, schema] of Object.entries(schemas)) {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') continue;
    const result = schema.safeParse(raw);
    if (result.success) values[name] = result.data;
    else problems.push(...result.error.issues.map((issue) => `${name}${issue.message.startsWith(':') ? '' : ' '}${issue.message}`));
  }
  return { values: values as { [K in keyof S]?: z.output<S[K]> }, problems };
}
