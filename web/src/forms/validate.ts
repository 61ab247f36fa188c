/**
 * The checks the gateway makes before Wise sees anything (src/services/recipients.ts,
 * validateAgainstForm), run in the browser so the customer hears at once: the same order, the
 * same codes, the same rules (a pattern matches the whole trimmed value).
 */
import type { FormFieldSpec, FormValues } from './types';

export type FieldProblem = { code: 'REQUIRED' | 'TOO_SHORT' | 'TOO_LONG' | 'PATTERN' | 'NOT_ALLOWED' | 'INVALID_DATE'; message: string };

export function checkField(field: FormFieldSpec, raw: string | undefined): FieldProblem | null {
  const value = raw?.trim() ?? '';
  if (!value) return field.required ? { code: 'REQUIRED', message: `${field.label} is required.` } : null;
  if (field.minLength != null && value.length < field.minLength) return { code: 'TOO_SHORT', message: `${field.label} must be at least ${field.minLength} characters.` };
  if (field.maxLength != null && value.length > field.maxLength) return { code: 'TOO_LONG', message: `${field.label} must be at most ${field.maxLength} characters.` };
  if (field.pattern && !wholeMatch(field.pattern, value)) {
    return { code: 'PATTERN', message: `${field.label} is not in the expected format${field.example ? ` (for example ${field.example})` : ''}.` };
  }
  if (field.allowedValues?.length && !field.allowedValues.some((v) => v.value === value)) return { code: 'NOT_ALLOWED', message: `Choose one of the options for ${field.label}.` };
  if (field.control === 'DATE' && !isDate(value)) return { code: 'INVALID_DATE', message: `${field.label} must be a real date.` };
  return null;
}

/** Problems by field key, in the form's order. */
export function checkForm(fields: readonly FormFieldSpec[], values: FormValues): Map<string, FieldProblem> {
  const problems = new Map<string, FieldProblem>();
  for (const field of fields) {
    const problem = checkField(field, values[field.key]);
    if (problem) problems.set(field.key, problem);
  }
  return problems;
}

/** Wise's patterns are Java regexes over the whole value; one this browser cannot compile is Wise's to judge. */
function wholeMatch(pattern: string, value: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`).test(value);
  } catch {
    return true;
  }
}

function isDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}
