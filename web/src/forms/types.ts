/**
 * The shapes the form component renders: structurally the gateway's `FormField`, `FormGroup`
 * and `FieldError` (schema.graphql), so a query result can be passed as it comes. Nothing here
 * depends on Apollo or on generated code: copy the folder into another app.
 */
export type FormControl = 'TEXT' | 'SELECT' | 'RADIO' | 'DATE';

export type FormFieldSpec = {
  key: string;
  label: string;
  control: FormControl;
  required: boolean;
  group: string;
  refreshOnChange: boolean;
  pattern?: string | null;
  minLength?: number | null;
  maxLength?: number | null;
  example?: string | null;
  displayFormat?: string | null;
  allowedValues?: readonly { value: string; label: string }[] | null;
};

export type FormGroupSpec = { label: string; keys: readonly string[] };

/** A server error: `path` is the field's key. */
export type FieldErrorSpec = { path?: string | null; code: string; message: string };

export type FormValues = Record<string, string>;
