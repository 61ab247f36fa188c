import type { FormValues } from './types';

/** Form values as the gateway takes them: `[{ key, value }]` (FieldValueInput). */
export function toFieldValues(values: FormValues, omit: readonly string[] = []): { key: string; value: string }[] {
  return Object.entries(values)
    .filter(([key, value]) => value !== '' && !omit.includes(key))
    .map(([key, value]) => ({ key, value }));
}
