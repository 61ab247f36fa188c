/**
 * Recipients: the customer's list, and a new recipient through the generic form
 * (`recipientForm` → DynamicForm → `createRecipient`).
 */
import { useMutation, useQuery } from '@apollo/client/react';
import { useMemo, useState } from 'react';
import { DynamicForm, toFieldValues, type FieldErrorSpec, type FormFieldSpec, type FormValues } from '../forms';
import { CreateRecipientDocument, RecipientFormDocument, RecipientsDocument, type RecipientSummaryFragment } from '../graphql/generated';

export const TARGET_CURRENCIES = ['EUR', 'USD', 'GBP', 'CAD', 'AUD', 'JPY', 'KRW', 'INR', 'CHF', 'PLN'];

export function Recipients() {
  const [currency, setCurrency] = useState('USD');
  const [adding, setAdding] = useState(false);
  const [created, setCreated] = useState<RecipientSummaryFragment | null>(null);
  const list = useQuery(RecipientsDocument, { variables: { first: 50 } });
  return (
    <section aria-labelledby="recipients-heading">
      <h1 id="recipients-heading">Recipients</h1>
      {created && (
        <p className="notice success" role="status" id="recipient-created">
          Added {created.accountHolderName} ({created.longAccountSummary}).
        </p>
      )}
      {adding ? (
        <div className="card">
          <h2>New recipient</h2>
          <label htmlFor="recipient-currency">Currency they receive</label>
          <select id="recipient-currency" value={currency} onChange={(e) => setCurrency(e.target.value)}>
            {TARGET_CURRENCIES.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
          <RecipientCreator
            key={currency}
            target={{ currency }}
            onCreated={(recipient) => {
              setCreated(recipient);
              setAdding(false);
              void list.refetch();
            }}
          />
          <button type="button" className="link" onClick={() => setAdding(false)}>
            Cancel
          </button>
        </div>
      ) : (
        <button
          type="button"
          className="primary"
          onClick={() => {
            setCreated(null);
            setAdding(true);
          }}
        >
          Add a recipient
        </button>
      )}
      <ul className="recipients" aria-label="Your recipients">
        {list.data?.recipients.edges.map(({ node }) => (
          <li key={node.id}>
            <strong>{node.accountHolderName}</strong> <span className="hint">{node.longAccountSummary}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Wise's forms from Accept-Minor-Version 1 carry the holder's name; older ones do not, and the gateway needs it. */
const HOLDER_NAME: FormFieldSpec = { key: 'accountHolderName', label: 'Full name of the account holder', control: 'TEXT', required: true, group: 'Full name of the account holder', refreshOnChange: false, minLength: 2, maxLength: 140 };

/**
 * A new recipient for a currency (or, better, a quote: Wise shapes the form to it). One tab
 * per kind of account Wise offers; the form of the chosen one refreshes as the customer fills
 * it in.
 */
export function RecipientCreator({ target, onCreated }: { target: { currency: string } | { quoteId: string }; onCreated(recipient: RecipientSummaryFragment): void }) {
  const [type, setType] = useState<string | null>(null);
  const [values, setValues] = useState<FormValues>({});
  const form = useQuery(RecipientFormDocument, { variables: { ...target, type, values: toFieldValues(values) } });
  const [create, creating] = useMutation(CreateRecipientDocument);
  const [serverErrors, setServerErrors] = useState<FieldErrorSpec[] | null>(null);
  const shown = form.data ?? form.previousData;
  const options = shown?.recipientForm.options ?? [];
  const option = options.find((o) => o.type === type) ?? options[0];
  const fields = useMemo(() => (option ? (option.fields.some((f) => f.key === 'accountHolderName') ? option.fields : [HOLDER_NAME, ...option.fields]) : []), [option]);

  if (form.error && !shown) return <p role="alert">The form could not be loaded: {form.error.message}</p>;
  if (!option) return <p role="status">Loading the form…</p>;

  return (
    <div className="recipient-creator">
      {options.length > 1 && (
        <fieldset className="tabs">
          <legend>How they get paid</legend>
          {options.map((o) => (
            <label key={o.type} className="choice">
              <input
                type="radio"
                name="recipient-type"
                value={o.type}
                checked={o.type === option.type}
                onChange={() => {
                  setType(o.type);
                  setServerErrors(null);
                }}
              />
              {o.title}
            </label>
          ))}
        </fieldset>
      )}
      {option.usageInfo && <p className="hint">{option.usageInfo}</p>}
      <DynamicForm
        key={option.type}
        id="recipient"
        fields={fields}
        groups={option.groups}
        initialValues={values}
        refreshing={form.loading}
        onRefresh={(next) => {
          setType(option.type);
          setValues(next);
        }}
        serverErrors={serverErrors}
        busy={creating.loading}
        submitLabel="Add recipient"
        onSubmit={async (submitted) => {
          const input = {
            ...target,
            type: option.type,
            accountHolderName: submitted.accountHolderName ?? '',
            values: toFieldValues(submitted, ['accountHolderName']),
          };
          const result = (await create({ variables: { input } })).data?.createRecipient;
          if (result?.__typename === 'RecipientCreated') onCreated(result.recipient);
          else if (result?.__typename === 'RecipientInvalid') setServerErrors(result.fieldErrors.length ? [...result.fieldErrors] : [{ code: result.code, message: result.message }]);
        }}
      />
    </div>
  );
}
