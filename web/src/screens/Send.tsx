/**
 * Sending money, step by step: the quote calculator, the recipient, what Wise needs to know
 * about the transfer (the same generic form), then review, confirm and pay.
 */
import { useMutation, useQuery } from '@apollo/client/react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { DynamicForm, toFieldValues, type FieldErrorSpec, type FormValues } from '../forms';
import {
  CreateQuoteDocument,
  CreateTransferDocument,
  RecipientsDocument,
  RequoteDocument,
  TransferFormDocument,
  ViewerDocument,
  type QuoteDetailsFragment,
  type RecipientSummaryFragment,
  type TransferSummaryFragment,
} from '../graphql/generated';
import { navigate } from '../router';
import { newIdempotencyKey } from '../session';
import { money, when } from '../words';
import { Pay } from './Pay';
import { RecipientCreator, TARGET_CURRENCIES } from './Recipients';

type Step = 'quote' | 'recipient' | 'details' | 'review';

export function Send() {
  const [step, setStep] = useState<Step>('quote');
  const [quote, setQuote] = useState<QuoteDetailsFragment | null>(null);
  const [recipient, setRecipient] = useState<RecipientSummaryFragment | null>(null);
  const [details, setDetails] = useState<FormValues>({});
  const [detailErrors, setDetailErrors] = useState<FieldErrorSpec[] | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [step]);

  return (
    <section aria-labelledby="send-heading" className="send">
      <h1 id="send-heading" ref={heading} tabIndex={-1}>
        {step === 'quote' ? 'Send money' : step === 'recipient' ? 'Who are you sending to?' : step === 'details' ? 'About this transfer' : 'Review and send'}
      </h1>
      <ol className="steps" aria-label="Steps">
        {(['quote', 'recipient', 'details', 'review'] as Step[]).map((s, i) => (
          <li key={s} aria-current={s === step ? 'step' : undefined}>
            {i + 1}. {s === 'quote' ? 'Amount' : s === 'recipient' ? 'Recipient' : s === 'details' ? 'Details' : 'Review'}
          </li>
        ))}
      </ol>
      {step === 'quote' && (
        <QuoteCalculator
          quote={quote}
          onQuote={setQuote}
          onContinue={() => setStep('recipient')}
        />
      )}
      {step === 'recipient' && quote && (
        <ChooseRecipient
          quote={quote}
          onBack={() => setStep('quote')}
          onChosen={(r) => {
            setRecipient(r);
            setDetails({});
            setDetailErrors(null);
            setStep('details');
          }}
        />
      )}
      {step === 'details' && quote && recipient && (
        <TransferDetails
          quote={quote}
          recipient={recipient}
          initialValues={details}
          serverErrors={detailErrors}
          onBack={() => setStep('recipient')}
          onDone={(values) => {
            setDetails(values);
            setStep('review');
          }}
        />
      )}
      {step === 'review' && quote && recipient && (
        <Review
          quote={quote}
          recipient={recipient}
          details={details}
          onRequoted={setQuote}
          onBack={() => setStep('details')}
          onDetailErrors={(errors) => {
            setDetailErrors(errors);
            setStep('details');
          }}
        />
      )}
    </section>
  );
}

/**
 * Seconds the quote has left, ticking. Counted from when it arrived, for as long as Wise gives
 * it (expiresAt − createdAt): a phone whose clock is wrong still counts right.
 */
function useQuoteCountdown(quote: QuoteDetailsFragment | null): number | null {
  const [now, setNow] = useState(() => Date.now());
  const arrived = useMemo(() => (quote ? { id: quote.id, at: Date.now() } : null), [quote?.id]);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  if (!quote || !arrived) return null;
  const lifetime = Date.parse(quote.expiresAt) - Date.parse(quote.createdAt);
  return Math.max(0, Math.floor((lifetime - (now - arrived.at)) / 1000));
}

function QuoteCalculator({ quote, onQuote, onContinue }: { quote: QuoteDetailsFragment | null; onQuote(q: QuoteDetailsFragment | null): void; onContinue(): void }) {
  const viewer = useQuery(ViewerDocument);
  const sources = viewer.data?.viewer.bankAccounts.map((a) => a.currency) ?? ['GBP'];
  const [source, setSource] = useState(quote?.sourceAmount.currency ?? 'GBP');
  const [target, setTarget] = useState(quote?.targetAmount.currency ?? 'EUR');
  const [fixed, setFixed] = useState<'SOURCE' | 'TARGET'>(quote?.providedAmountType ?? 'SOURCE');
  const [sourceAmount, setSourceAmount] = useState(quote?.sourceAmount.amount ?? '100');
  const [targetAmount, setTargetAmount] = useState(quote?.targetAmount.amount ?? '');
  const [createQuote, creating] = useMutation(CreateQuoteDocument);
  const [requote, requoting] = useMutation(RequoteDocument);
  const [problem, setProblem] = useState<{ field: string | null; message: string } | null>(null);
  const secondsLeft = useQuoteCountdown(quote);
  const asked = useRef(0);

  // Quote again 600 ms after the customer stops typing; only the latest answer counts.
  useEffect(() => {
    const amount = fixed === 'SOURCE' ? sourceAmount : targetAmount;
    if (!/^\d+(\.\d{1,2})?$/.test(amount.trim()) || Number(amount) <= 0) {
      onQuote(null);
      setProblem(amount.trim() ? { field: fixed === 'SOURCE' ? 'sourceAmount' : 'targetAmount', message: 'Enter an amount, like 250 or 99.50.' } : null);
      return;
    }
    const ask = ++asked.current;
    const timer = setTimeout(async () => {
      const input = { sourceCurrency: source, targetCurrency: target, ...(fixed === 'SOURCE' ? { sourceAmount: amount.trim() } : { targetAmount: amount.trim() }) };
      try {
        const result = (await createQuote({ variables: { input } })).data?.createQuote;
        if (ask !== asked.current || !result) return;
        if (result.__typename === 'QuoteCreated') {
          setProblem(null);
          onQuote(result.quote);
          if (fixed === 'SOURCE') setTargetAmount(result.quote.targetAmount.amount);
          else setSourceAmount(result.quote.sourceAmount.amount);
        } else {
          onQuote(null);
          setProblem({ field: result.field?.replace(/^input\./, '') ?? null, message: result.message });
        }
      } catch (error) {
        if (ask === asked.current) setProblem({ field: null, message: (error as Error).message });
      }
    }, 600);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [source, target, fixed, fixed === 'SOURCE' ? sourceAmount : targetAmount]);

  const expired = quote ? quote.expired || secondsLeft === 0 : false;
  const delivery = quote?.paymentOptions.find((o) => o.payIn === 'BALANCE' && !o.disabled) ?? quote?.paymentOptions.find((o) => !o.disabled);
  const blocked = quote?.notices.some((n) => n.type === 'BLOCKED');

  return (
    <div className="card calculator">
      <div className="amount-row">
        <div className="field">
          <label htmlFor="source-amount">You send</label>
          <input
            id="source-amount"
            inputMode="decimal"
            value={sourceAmount}
            aria-invalid={problem?.field === 'sourceAmount' || undefined}
            aria-describedby={problem ? 'quote-problem' : undefined}
            onChange={(e) => {
              setFixed('SOURCE');
              setSourceAmount(e.target.value);
            }}
          />
        </div>
        <div className="field currency">
          <label htmlFor="source-currency">From</label>
          <select id="source-currency" value={source} onChange={(e) => setSource(e.target.value)}>
            {sources.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </div>
      </div>
      <div className="amount-row">
        <div className="field">
          <label htmlFor="target-amount">Recipient gets</label>
          <input
            id="target-amount"
            inputMode="decimal"
            value={targetAmount}
            aria-invalid={problem?.field === 'targetAmount' || undefined}
            aria-describedby={problem ? 'quote-problem' : undefined}
            onChange={(e) => {
              setFixed('TARGET');
              setTargetAmount(e.target.value);
            }}
          />
        </div>
        <div className="field currency">
          <label htmlFor="target-currency">To</label>
          <select id="target-currency" value={target} onChange={(e) => setTarget(e.target.value)}>
            {TARGET_CURRENCIES.filter((c) => c !== source).map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </div>
      </div>
      {problem && (
        <p id="quote-problem" role="alert" className="field-error">
          {problem.message}
        </p>
      )}
      <div aria-live="polite" className="quote" data-quote-id={quote?.id ?? ''}>
        {creating.loading && <p className="hint">Getting a rate…</p>}
        {quote && (
          <dl>
            <dt>Fee</dt>
            <dd id="quote-fee">{money(quote.fee)}</dd>
            <dt>Rate</dt>
            <dd id="quote-rate">
              1 {quote.sourceAmount.currency} = {quote.rate} {quote.targetAmount.currency}
            </dd>
            <dt>Should arrive</dt>
            <dd id="quote-delivery">{delivery?.formattedEstimatedDelivery ?? (delivery?.estimatedDelivery ? when(delivery.estimatedDelivery) : 'soon')}</dd>
            <dt>Rate guaranteed for</dt>
            <dd id="quote-expiry">{expired ? 'expired' : `${Math.floor((secondsLeft ?? 0) / 60)}:${String((secondsLeft ?? 0) % 60).padStart(2, '0')}`}</dd>
          </dl>
        )}
        {quote?.notices.map((n) => (
          <p key={n.text} className={`notice ${n.type === 'BLOCKED' ? 'error' : ''}`}>
            {n.text}
          </p>
        ))}
      </div>
      {quote && expired ? (
        <div role="alert" className="notice">
          <p>This rate has expired.</p>
          <button
            type="button"
            className="primary"
            disabled={requoting.loading}
            onClick={async () => {
              const fresh = (await requote({ variables: { input: { quoteId: quote.id } } })).data?.requote.quote;
              if (fresh) onQuote(fresh);
            }}
          >
            Get a new rate
          </button>
        </div>
      ) : (
        <button type="button" className="primary" disabled={!quote || blocked || creating.loading} onClick={onContinue}>
          Continue
        </button>
      )}
    </div>
  );
}

function ChooseRecipient({ quote, onChosen, onBack }: { quote: QuoteDetailsFragment; onChosen(r: RecipientSummaryFragment): void; onBack(): void }) {
  const currency = quote.targetAmount.currency;
  const list = useQuery(RecipientsDocument, { variables: { first: 50, currency } });
  const [adding, setAdding] = useState(false);
  const recipients = list.data?.recipients.edges.map((e) => e.node) ?? [];
  return (
    <div className="card">
      {recipients.length > 0 && !adding && (
        <ul className="choose-recipient" aria-label={`Your ${currency} recipients`}>
          {recipients.map((r) => (
            <li key={r.id}>
              <button type="button" onClick={() => onChosen(r)}>
                <strong>{r.accountHolderName}</strong> <span className="hint">{r.longAccountSummary}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {adding || (!list.loading && recipients.length === 0) ? (
        <>
          <h2>New {currency} recipient</h2>
          <RecipientCreator target={{ quoteId: quote.id }} onCreated={onChosen} />
        </>
      ) : (
        <button type="button" onClick={() => setAdding(true)}>
          Someone new
        </button>
      )}
      <button type="button" className="link" onClick={onBack}>
        Back
      </button>
    </div>
  );
}

function TransferDetails(props: {
  quote: QuoteDetailsFragment;
  recipient: RecipientSummaryFragment;
  initialValues: FormValues;
  serverErrors: FieldErrorSpec[] | null;
  onBack(): void;
  onDone(values: FormValues): void;
}) {
  const [values, setValues] = useState<FormValues>(props.initialValues);
  const form = useQuery(TransferFormDocument, { variables: { quoteId: props.quote.id, recipientId: props.recipient.id, values: toFieldValues(values) } });
  const shown = form.data ?? form.previousData;
  if (form.error && !shown) return <p role="alert">{form.error.message}</p>;
  if (!shown) return <p role="status">Loading…</p>;
  const spec = shown.transferForm;
  return (
    <div className="card">
      {spec.usageInfo && <p className="hint">{spec.usageInfo}</p>}
      <DynamicForm
        id="transfer"
        fields={spec.fields}
        groups={spec.groups}
        initialValues={props.initialValues}
        serverErrors={props.serverErrors}
        refreshing={form.loading}
        onRefresh={setValues}
        submitLabel="Continue"
        onSubmit={props.onDone}
      />
      <button type="button" className="link" onClick={props.onBack}>
        Back
      </button>
    </div>
  );
}

/**
 * Confirm makes the transfer with one idempotency key for this confirmation: a double click, a
 * retry after a lost answer or a reload of the step sends the same key, and the gateway answers
 * with the same transfer. Going back and changing anything makes a new confirmation (new key).
 */
function Review(props: {
  quote: QuoteDetailsFragment;
  recipient: RecipientSummaryFragment;
  details: FormValues;
  onRequoted(q: QuoteDetailsFragment): void;
  onBack(): void;
  onDetailErrors(errors: FieldErrorSpec[]): void;
}) {
  const { quote, recipient, details } = props;
  const key = useRef(newIdempotencyKey());
  const [createTransfer, creating] = useMutation(CreateTransferDocument);
  const [requote] = useMutation(RequoteDocument);
  const [transfer, setTransfer] = useState<TransferSummaryFragment | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [notUsable, setNotUsable] = useState(false);
  const inFlight = useRef(false);

  const confirm = async () => {
    if (inFlight.current) return; // a double click sends nothing twice (and the key would make it harmless anyway)
    inFlight.current = true;
    setProblem(null);
    try {
      const result = (await createTransfer({ variables: { input: { quoteId: quote.id, recipientId: recipient.id, idempotencyKey: key.current, values: toFieldValues(details) } } })).data?.createTransfer;
      if (!result) return;
      switch (result.__typename) {
        case 'TransferCreated':
          setTransfer(result.transfer);
          return;
        case 'TransferInvalid':
          return props.onDetailErrors([...result.fieldErrors]);
        case 'QuoteNotUsable':
          setNotUsable(true);
          return setProblem(result.message);
        default:
          return setProblem(result.message);
      }
    } catch (error) {
      // The answer was lost: the same key is sent again on the next click.
      setProblem(`We did not hear back (${(error as Error).message}). Try again: you will not be charged twice.`);
    } finally {
      inFlight.current = false;
    }
  };

  return (
    <div className="card review">
      <dl>
        <dt>You send</dt>
        <dd id="review-source">{money(quote.sourceAmount)}</dd>
        <dt>Fee (included)</dt>
        <dd>{money(quote.fee)}</dd>
        <dt>{recipient.accountHolderName} gets</dt>
        <dd id="review-target">{money(quote.targetAmount)}</dd>
        <dt>To</dt>
        <dd>{recipient.longAccountSummary}</dd>
        {Object.entries(details).map(([k, v]) => (
          <div key={k} className="detail">
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      {problem && (
        <p role="alert" className="notice error">
          {problem}
        </p>
      )}
      {transfer ? (
        <Pay transfer={transfer} onFunded={(t) => navigate(`/transfers/${encodeURIComponent(t.id)}`)} />
      ) : notUsable ? (
        <button
          type="button"
          className="primary"
          onClick={async () => {
            const fresh = (await requote({ variables: { input: { quoteId: quote.id } } })).data?.requote.quote;
            if (!fresh) return;
            key.current = newIdempotencyKey();
            setNotUsable(false);
            setProblem(null);
            props.onRequoted(fresh);
          }}
        >
          Get a new rate
        </button>
      ) : (
        <button type="button" className="primary" id="confirm" disabled={creating.loading} onClick={() => void confirm()}>
          {creating.loading ? 'Sending…' : 'Confirm and send'}
        </button>
      )}
      {!transfer && (
        <button type="button" className="link" onClick={props.onBack}>
          Back
        </button>
      )}
    </div>
  );
}
