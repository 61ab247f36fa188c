/**
 * One form component for every dynamic form Wise describes: recipient account requirements
 * (`recipientForm`) and transfer requirements (`transferForm`). It renders what it is given —
 * text, select, radio and date controls, grouped as the form says — and knows the rules of the
 * loop around it:
 *
 * - a field with `refreshOnChange` calls `onRefresh(values)` when it changes (debounced while
 *   typing); the caller asks the gateway again and passes the new `fields` back in; what the
 *   customer typed is kept across refreshes, also for fields that go away and come back;
 * - the gateway's own checks run here first (./validate.ts): required, pattern, lengths,
 *   allowed values, dates; the first field in error gets the focus;
 * - the gateway's field errors (`serverErrors`, keyed by field key) are shown on their fields.
 *
 * Accessible: every control has a label, hints and errors are tied to it with
 * aria-describedby, aria-invalid marks errors, groups are fieldsets with a legend.
 */
import { useEffect, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { checkField, checkForm } from './validate';
import type { FieldErrorSpec, FormFieldSpec, FormGroupSpec, FormValues } from './types';

export type DynamicFormProps = {
  /** Prefix of the element ids (several forms may share a page). */
  id: string;
  fields: readonly FormFieldSpec[];
  groups?: readonly FormGroupSpec[];
  initialValues?: FormValues;
  /** Field errors from the gateway (RecipientInvalid, TransferInvalid…); a new array shows them. */
  serverErrors?: readonly FieldErrorSpec[] | null;
  /** A refreshOnChange field changed: fetch the form again with these values. */
  onRefresh?: (values: FormValues, changedKey: string) => void;
  /** The form is being refreshed (the fields may change). */
  refreshing?: boolean;
  /** Valid by the form's rules: only the current fields' non-empty values are passed. */
  onSubmit: (values: FormValues) => void | Promise<void>;
  submitLabel: string;
  busy?: boolean;
  /** Milliseconds to wait after typing in a refreshOnChange text field (default 600). */
  refreshDelayMs?: number;
  children?: ReactNode;
};

type Errors = Record<string, string>;

export function DynamicForm(props: DynamicFormProps) {
  const { id, fields, groups, onRefresh, refreshDelayMs = 600 } = props;
  const [values, setValues] = useState<FormValues>(() => ({ ...props.initialValues }));
  const [errors, setErrors] = useState<Errors>({});
  const [otherErrors, setOtherErrors] = useState<string[]>([]);
  const [focusKey, setFocusKey] = useState<{ key: string } | null>(null);
  const controls = useRef(new Map<string, HTMLElement>());
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const valuesRef = useRef(values);
  valuesRef.current = values;

  useEffect(() => () => clearTimeout(refreshTimer.current), []);

  // The gateway's field errors go on their fields; the rest above the button.
  useEffect(() => {
    if (!props.serverErrors) return;
    const known = new Set(fields.map((f) => f.key));
    const onFields: Errors = {};
    const other: string[] = [];
    for (const error of props.serverErrors) {
      if (error.path && known.has(error.path)) onFields[error.path] ??= error.message;
      else other.push(error.message);
    }
    setErrors(onFields);
    setOtherErrors(other);
    const first = fields.find((f) => onFields[f.key]);
    if (first) setFocusKey({ key: first.key });
    // Only a new set of server errors resets what is shown.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.serverErrors]);

  useEffect(() => {
    if (focusKey) controls.current.get(focusKey.key)?.focus();
  }, [focusKey]);

  const layout = useMemo(() => layoutOf(fields, groups), [fields, groups]);

  const change = (field: FormFieldSpec, value: string) => {
    const next = { ...valuesRef.current, [field.key]: value };
    setValues(next);
    valuesRef.current = next;
    // An error shown is re-judged as the customer fixes it.
    if (errors[field.key]) {
      const problem = checkField(field, value);
      setErrors((e) => {
        const { [field.key]: _gone, ...rest } = e;
        return problem ? { ...rest, [field.key]: problem.message } : rest;
      });
    }
    if (field.refreshOnChange && onRefresh) {
      clearTimeout(refreshTimer.current);
      const delay = field.control === 'TEXT' ? refreshDelayMs : 0;
      refreshTimer.current = setTimeout(() => onRefresh(currentValues(fields, valuesRef.current), field.key), delay);
    }
  };

  const blur = (field: FormFieldSpec) => {
    const problem = checkField(field, valuesRef.current[field.key]);
    if (problem && valuesRef.current[field.key]) setErrors((e) => ({ ...e, [field.key]: problem.message }));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problems = checkForm(fields, values);
    if (problems.size) {
      setErrors(Object.fromEntries([...problems].map(([key, p]) => [key, p.message])));
      setOtherErrors([]);
      setFocusKey({ key: fields.find((f) => problems.has(f.key))!.key });
      return;
    }
    setErrors({});
    setOtherErrors([]);
    await props.onSubmit(currentValues(fields, values));
  };

  const errorCount = Object.keys(errors).filter((k) => fields.some((f) => f.key === k)).length + otherErrors.length;

  return (
    <form id={id} className="dynamic-form" noValidate onSubmit={submit} aria-busy={props.refreshing || undefined}>
      {errorCount > 0 && (
        <div className="form-summary" role="alert">
          {errorCount === 1 ? 'One detail needs your attention.' : `${errorCount} details need your attention.`}
          {otherErrors.map((message) => (
            <p key={message}>{message}</p>
          ))}
        </div>
      )}
      {layout.map((block) =>
        block.fields.length === 1 ? (
          <Field key={block.fields[0]!.key} {...fieldProps(block.fields[0]!)} />
        ) : (
          <fieldset key={`group-${block.label}`} className="field-group">
            <legend>{block.label}</legend>
            <div className="field-row">
              {block.fields.map((field) => (
                <Field key={field.key} {...fieldProps(field)} />
              ))}
            </div>
          </fieldset>
        ),
      )}
      {props.refreshing && (
        <p className="hint" role="status">
          Updating the form…
        </p>
      )}
      {props.children}
      <button type="submit" className="primary" disabled={props.busy}>
        {props.busy ? 'Please wait…' : props.submitLabel}
      </button>
    </form>
  );

  function fieldProps(field: FormFieldSpec): FieldProps {
    return {
      formId: id,
      field,
      value: values[field.key] ?? '',
      error: errors[field.key],
      onChange: (v) => change(field, v),
      onBlur: () => blur(field),
      register: (el) => {
        if (el) controls.current.set(field.key, el);
        else controls.current.delete(field.key);
      },
    };
  }
}

/** The current fields' values: what is submitted, or sent to refresh the form. */
function currentValues(fields: readonly FormFieldSpec[], values: FormValues): FormValues {
  const out: FormValues = {};
  for (const field of fields) {
    const value = values[field.key]?.trim() ?? '';
    if (value) out[field.key] = value;
  }
  return out;
}

type Block = { label: string; fields: FormFieldSpec[] };

/** Fields in the form's order, those of one group together (a group given by `groups`). */
function layoutOf(fields: readonly FormFieldSpec[], groups: readonly FormGroupSpec[] | undefined): Block[] {
  const byKey = new Map(fields.map((f) => [f.key, f]));
  const groupOf = new Map<string, FormGroupSpec>();
  for (const group of groups ?? []) for (const key of group.keys) groupOf.set(key, group);
  const blocks: Block[] = [];
  const placed = new Set<string>();
  for (const field of fields) {
    if (placed.has(field.key)) continue;
    const group = groupOf.get(field.key);
    const members = group ? group.keys.map((k) => byKey.get(k)).filter((f): f is FormFieldSpec => Boolean(f)) : [field];
    members.forEach((f) => placed.add(f.key));
    blocks.push({ label: group?.label ?? field.label, fields: members });
  }
  return blocks;
}

type FieldProps = {
  formId: string;
  field: FormFieldSpec;
  value: string;
  error?: string;
  onChange(value: string): void;
  onBlur(): void;
  register(el: HTMLElement | null): void;
};

function Field({ formId, field, value, error, onChange, onBlur, register }: FieldProps) {
  const inputId = `${formId}-${field.key.replace(/[^\w-]/g, '_')}`;
  const hintId = `${inputId}-hint`;
  const errorId = `${inputId}-error`;
  const hintText = [field.displayFormat ? `Format: ${field.displayFormat}` : null, field.control === 'TEXT' && field.example ? `For example ${field.example}` : null]
    .filter(Boolean)
    .join('. ');
  const describedBy = [hintText ? hintId : null, error ? errorId : null].filter(Boolean).join(' ') || undefined;
  const label = (
    <>
      {field.label}
      {!field.required && !/optional/i.test(field.label) && <span className="optional"> (optional)</span>}
    </>
  );
  const common = {
    id: inputId,
    name: field.key,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy,
    'aria-required': field.required || undefined,
    onBlur,
  } as const;
  const messages = (
    <>
      {hintText && (
        <span id={hintId} className="hint">
          {hintText}
        </span>
      )}
      {error && (
        <span id={errorId} className="field-error">
          {error}
        </span>
      )}
    </>
  );

  if (field.control === 'RADIO' && field.allowedValues?.length) {
    return (
      <fieldset className={`field radio${error ? ' has-error' : ''}`} aria-describedby={describedBy} data-key={field.key}>
        <legend>{label}</legend>
        {field.allowedValues.map((choice, i) => (
          <label key={choice.value} className="choice">
            <input
              type="radio"
              name={`${formId}-${field.key}`}
              value={choice.value}
              checked={value === choice.value}
              onChange={() => onChange(choice.value)}
              onBlur={onBlur}
              aria-invalid={error ? true : undefined}
              ref={i === 0 ? register : undefined}
            />
            {choice.label}
          </label>
        ))}
        {messages}
      </fieldset>
    );
  }
  return (
    <div className={`field${error ? ' has-error' : ''}`} data-key={field.key}>
      <label htmlFor={inputId}>{label}</label>
      {field.control === 'SELECT' && field.allowedValues?.length ? (
        <select {...common} ref={register} value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">{field.example && !/^\w+@/.test(field.example) ? field.example : 'Choose…'}</option>
          {field.allowedValues.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </select>
      ) : (
        <input
          {...common}
          ref={register}
          type={field.control === 'DATE' ? 'date' : 'text'}
          value={value}
          minLength={field.minLength ?? undefined}
          maxLength={field.control === 'TEXT' && field.maxLength ? field.maxLength + 8 : undefined}
          placeholder={field.control === 'TEXT' && field.example ? field.example : undefined}
          autoComplete="off"
          onChange={(e) => onChange(e.target.value)}
        />
      )}
      {messages}
    </div>
  );
}
