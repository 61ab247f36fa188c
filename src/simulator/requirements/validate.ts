/**
 * What `POST /v1/accounts` enforces: every rule of the form the recipient was built from
 * (required, pattern, length, allowed values, dates), then the checks only the server can do
 * (IBAN and ABA check digits, JPY branch belongs to bank, name rules). Errors come back in
 * Wise's shape, keyed by the form's own keys, all at once.
 */
import type { FieldError } from '../errors.js';
import { JAPANESE_BANKS } from './banks.js';
import { accountRequirements, getPath, matchesWhole, type FieldDef } from './account-requirements.js';

export function validateRecipient(input: {
  currency: string;
  type: string;
  accountHolderName: unknown;
  details: Record<string, unknown>;
}): FieldError[] {
  const forms = accountRequirements(input.currency, { minorVersion1: true, details: input.details });
  const form = forms.find((f) => f.type === input.type);
  if (!form) {
    return [{ code: 'NOT_VALID', message: `Recipient type ${input.type} is not available for ${input.currency}`, path: 'type', arguments: ['type', input.type] }];
  }
  const errors: FieldError[] = [];
  for (const field of form.fields.flatMap((g) => g.group)) {
    const raw = field.key === 'accountHolderName' ? input.accountHolderName : getPath(input.details, field.key);
    const error = checkField(field, raw);
    if (error) errors.push(error);
  }
  if (errors.length === 0) errors.push(...serverChecks(input));
  return errors;
}

function checkField(field: FieldDef, raw: unknown): FieldError | undefined {
  const path = field.key;
  const value = raw === undefined || raw === null ? '' : String(raw);
  if (value.trim() === '') {
    return field.required ? { code: 'NOT_VALID', message: `Please specify ${field.name.replace(/ \(Optional\)$/, '').toLowerCase()}.`, path, arguments: [path] } : undefined;
  }
  const invalid = (message: string): FieldError => ({ code: 'NOT_VALID', message, path, arguments: [path, value] });
  if (typeof raw === 'object') return invalid(`${field.name} must be text.`);
  if (field.minLength !== undefined && value.length < field.minLength) return invalid(`${field.name} must be at least ${field.minLength} characters.`);
  if (field.maxLength !== undefined && value.length > field.maxLength) return invalid(`${field.name} must be at most ${field.maxLength} characters.`);
  if (field.validationRegexp && !matchesWhole(field.validationRegexp, value)) return invalid(`Please enter a valid ${field.name.toLowerCase()}.`);
  if (field.valuesAllowed && !field.valuesAllowed.some((v) => v.key === value)) return invalid(`${value} is not an allowed value for ${field.name.toLowerCase()}.`);
  if (field.type === 'date') {
    const date = new Date(`${value}T00:00:00Z`);
    if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) return invalid(`${field.name} must be a real date (YYYY-MM-DD).`);
    if (date.getTime() > Date.now()) return invalid(`${field.name} cannot be in the future.`);
  }
  return undefined;
}

function serverChecks(input: { type: string; accountHolderName: unknown; details: Record<string, unknown> }): FieldError[] {
  const errors: FieldError[] = [];
  const d = input.details;
  const name = String(input.accountHolderName ?? '').trim();
  if (d.legalType === 'PRIVATE' && input.type !== 'email' && name && !/^\S{2,}(\s+\S{2,})+$/u.test(name)) {
    errors.push({ code: 'NOT_VALID', message: 'Please enter the recipient\'s first and last name.', path: 'accountHolderName', arguments: ['accountHolderName', name] });
  }
  if (typeof d.IBAN === 'string' && !ibanChecksumValid(d.IBAN)) {
    errors.push({ code: 'NOT_VALID', message: 'Please specify a valid IBAN.', path: 'IBAN', arguments: ['IBAN', d.IBAN] });
  }
  if (typeof d.abartn === 'string' && !abaChecksumValid(d.abartn)) {
    errors.push({ code: 'NOT_VALID', message: 'Unknown routing number.', path: 'abartn', arguments: ['abartn', d.abartn] });
  }
  if (typeof d.sortCode === 'string' && d.sortCode.replace(/-/g, '').startsWith('99')) {
    errors.push({ code: 'NOT_VALID', message: 'Unknown bank code. Please check the sort code.', path: 'sortCode', arguments: ['sortCode', d.sortCode] });
  }
  if (input.type === 'japanese' && typeof d.bankCode === 'string') {
    const bank = JAPANESE_BANKS.find((b) => b.code === d.bankCode);
    if (bank && !bank.branches.some((b) => b.code === d.branchCode)) {
      errors.push({ code: 'NOT_VALID', message: 'This branch does not belong to the chosen bank.', path: 'branchCode', arguments: ['branchCode', String(d.branchCode)] });
    }
  }
  return errors;
}

export function ibanChecksumValid(iban: string): boolean {
  const compact = iban.replace(/\s+/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(compact)) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const digits = /[A-Z]/.test(ch) ? String(ch.charCodeAt(0) - 55) : ch;
    for (const digit of digits) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

export function abaChecksumValid(routing: string): boolean {
  if (!/^\d{9}$/.test(routing)) return false;
  const d = routing.split('').map(Number);
  return (3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5] + d[8])) % 10 === 0;
}
