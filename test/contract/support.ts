/**
 * Contract checking against Wise's own OpenAPI description (the generated subset in
 * wise-openapi.subset.json): every request a test sends is validated against the operation's
 * request schema before it goes out, and every response against the schema documented for its
 * status code. Operations called are recorded so a test can prove every one was exercised.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';

type Operation = {
  requestBody?: { content: Record<string, { schema: object }> };
  responses: Record<string, { content?: Record<string, { schema: object }> }>;
};
const spec = JSON.parse(readFileSync(new URL('./wise-openapi.subset.json', import.meta.url), 'utf8')) as {
  paths: Record<string, Record<string, Operation>>;
};

const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
for (const format of ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password', 'currency', 'decimal']) ajv.addFormat(format, true);

const compiled = new Map<object, ValidateFunction>();
function validatorFor(schema: object): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) {
    v = ajv.compile(schema);
    compiled.set(schema, v);
  }
  return v;
}

export const exercised = new Set<string>();
export const allOperations = Object.entries(spec.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));

export class ContractViolation extends Error {}

/**
 * Where the simulator knowingly differs from the description, and why. Each deviation rewrites
 * one wire format into the documented one before validation (so the rest of the value is still
 * checked strictly); a value that does not look like the known wire format is left alone and
 * fails as usual.
 */
const DEVIATIONS: { keys: string[]; wire: RegExp; toDocumented: (v: string) => string; why: string }[] = [
  {
    keys: ['created'],
    wire: /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/,
    toDocumented: (v) => `${v.replace(' ', 'T')}Z`,
    why: 'transfers: documented as date-time, but Wise\'s recorded sandbox responses carry "2025-01-05 11:31:08" (UTC, no zone); a gateway must parse what Wise really sends',
  },
  {
    keys: ['createdAt', 'updatedAt'],
    wire: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$/,
    toDocumented: (v) => `${v}Z`,
    why: 'v2 profiles: documented as date-time, recorded and exemplified as a local date-time without zone ("2024-09-03T16:22:02.257725")',
  },
];

function documentedForm(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(documentedForm);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => {
      const deviation = typeof v === 'string' ? DEVIATIONS.find((d) => d.keys.includes(key) && d.wire.test(v)) : undefined;
      return [key, deviation ? deviation.toDocumented(v as string) : documentedForm(v)];
    }),
  );
}

function check(schema: object, value: unknown, what: string): void {
  const validate = validatorFor(schema);
  if (validate(documentedForm(value))) return;
  throw new ContractViolation(`${what} does not match Wise's OpenAPI schema:\n${ajv.errorsText(validate.errors, { separator: '\n' })}\n${JSON.stringify(value).slice(0, 800)}`);
}

export type WiseCall = {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The OpenAPI path template, e.g. /v1/transfers/{transferId}. */
  path: string;
  params?: Record<string, string | number>;
  query?: Record<string, string | number | boolean>;
  token?: string;
  basic?: { id: string; secret: string };
  json?: unknown;
  form?: Record<string, string>;
  contentType?: string;
  headers?: Record<string, string>;
  /** For negative tests of our own checks: skip validating the request against the schema. */
  unchecked?: boolean;
};

export type WiseResponse<T = any> = { status: number; headers: Headers; body: T; text: string };

/**
 * Calls the simulator as a Wise client would. Responses with a documented status are
 * validated against their schema; `undocumented` lists statuses the description does not cover
 * for this operation (their bodies are checked by the test itself against Wise's error families).
 */
export async function callWise<T = any>(baseUrl: string, call: WiseCall): Promise<WiseResponse<T>> {
  const operation = spec.paths[call.path]?.[call.method.toLowerCase()];
  if (!operation) throw new Error(`${call.method} ${call.path} is not in the OpenAPI subset`);
  exercised.add(`${call.method} ${call.path}`);

  let body: string | undefined;
  const headers: Record<string, string> = { ...call.headers };
  if (call.json !== undefined) {
    const type = call.contentType ?? 'application/json';
    const schema = operation.requestBody?.content[type]?.schema;
    if (!call.unchecked) {
      if (!schema) throw new Error(`${call.method} ${call.path} documents no ${type} request body`);
      check(schema, call.json, `request body of ${call.method} ${call.path}`);
    }
    body = JSON.stringify(call.json);
    headers['content-type'] = type;
  } else if (call.form) {
    const schema = operation.requestBody?.content['application/x-www-form-urlencoded']?.schema;
    if (!call.unchecked && schema) check(schema, call.form, `form body of ${call.method} ${call.path}`);
    body = new URLSearchParams(call.form).toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  if (call.token) headers.authorization = `Bearer ${call.token}`;
  if (call.basic) headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(call.basic.id)}:${encodeURIComponent(call.basic.secret)}`).toString('base64')}`;

  let path = call.path;
  for (const [k, v] of Object.entries(call.params ?? {})) path = path.replace(`{${k}}`, encodeURIComponent(String(v)));
  const url = new URL(path, baseUrl);
  for (const [k, v] of Object.entries(call.query ?? {})) url.searchParams.set(k, String(v));

  const response = await fetch(url, { method: call.method, headers, body });
  const text = await response.text();
  const parsed = text && (response.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text;
  const documented = operation.responses[String(response.status)];
  const schema = documented?.content ? Object.values(documented.content)[0]?.schema : undefined;
  if (schema && parsed !== '') check(schema, parsed, `${response.status} response of ${call.method} ${call.path}`);
  return { status: response.status, headers: response.headers, body: parsed as T, text };
}

/** Whether the description documents this status for the operation. */
export function documents(method: string, path: string, status: number): boolean {
  return Boolean(spec.paths[path]?.[method.toLowerCase()]?.responses[String(status)]);
}

/** Wise's error body families (errors-and-limits.md §2), for statuses the description omits. */
export const errorFamilies = {
  validation: (body: any) => Array.isArray(body?.errors) && body.errors.every((e: any) => typeof e.code === 'string' && typeof e.message === 'string'),
  oauth: (body: any) => typeof body?.error === 'string' && typeof body?.error_description === 'string',
  forbidden: (body: any) => body?.error === 'forbidden',
  spring: (body: any) => typeof body?.status === 'number' && typeof body?.error === 'string' && typeof body?.path === 'string',
  problem: (body: any) => body?.type === 'about:blank' && typeof body?.status === 'number',
};
