/**
 * One transfer and its timeline: the states it went through (`history`) and, live, each new
 * one (`transferStatusChanged`). After a dropped connection the subscription resumes after the
 * last event it saw (see useLive), so no state is missed and none is shown twice.
 */
import { useQuery } from '@apollo/client/react';
import { useMemo, useState } from 'react';
import { useBank, useLive } from '../bank';
import { TransferChangedDocument, TransferDocument, TransferSummaryFragmentDoc, type TransferStatus } from '../graphql/generated';
import { Link } from '../router';
import { money, STATUS_WORDS, when } from '../words';
import { Pay } from './Pay';

type Step = { status: TransferStatus; occurredAt: string; sequence?: string };

export function TransferPage({ id }: { id: string }) {
  const { apollo } = useBank();
  // From the network on every visit: the cache may hold an older history than the log's now.
  const query = useQuery(TransferDocument, { variables: { id }, fetchPolicy: 'cache-and-network' });
  const [pushed, setPushed] = useState<Step[]>([]);

  useLive(TransferChangedDocument, { transferId: id }, {
    sequenceOf: (data) => data.transferStatusChanged.sequence,
    onData: (data) => {
      const change = data.transferStatusChanged;
      setPushed((steps) => [...steps, { status: change.status, occurredAt: change.occurredAt, sequence: change.sequence }]);
      apollo.cache.writeFragment({ id: apollo.cache.identify(change.transfer as never), fragment: TransferSummaryFragmentDoc, fragmentName: 'TransferSummary', data: change.transfer });
    },
    // Pushes before the first one this page saw come with the transfer's history.
    onReconnect: () => void query.refetch(),
  });

  const transfer = query.data?.transfer;
  const timeline = useMemo(() => {
    const steps = new Map<string, Step>();
    for (const h of transfer?.history ?? []) steps.set(h.status, { status: h.status, occurredAt: h.occurredAt });
    for (const p of pushed) if (!steps.has(p.status)) steps.set(p.status, p);
    return [...steps.values()];
  }, [transfer?.history, pushed]);

  if (query.loading && !transfer) return <p role="status">Loading…</p>;
  if (!transfer) return <p role="alert">No such transfer.</p>;
  const unpaid = transfer.status === 'INCOMING_PAYMENT_WAITING' && (transfer.funding === 'NOT_FUNDED' || transfer.funding === 'REJECTED' || transfer.funding === 'DEBITED');
  return (
    <section aria-labelledby="transfer-heading" className="transfer" data-status={transfer.status}>
      <h1 id="transfer-heading">
        {money(transfer.sourceAmount)} to {transfer.recipient?.accountHolderName ?? 'recipient'}
      </h1>
      <p className="status-now" id="transfer-status" aria-live="polite">
        {transfer.statusLabel || STATUS_WORDS[transfer.status]}
      </p>
      <dl className="summary">
        <dt>They get</dt>
        <dd>{money(transfer.targetAmount)}</dd>
        <dt>Fee</dt>
        <dd>{money(transfer.fee)}</dd>
        <dt>Reference</dt>
        <dd>{transfer.reference || '—'}</dd>
        <dt>Created</dt>
        <dd>{when(transfer.createdAt)}</dd>
      </dl>
      {unpaid && <Pay transfer={transfer} onFunded={() => void query.refetch()} />}
      <h2>Timeline</h2>
      <ol className="timeline" id="timeline" aria-live="polite">
        {timeline.map((step) => (
          <li key={step.status} data-status={step.status}>
            <span className="what">{STATUS_WORDS[step.status]}</span> <time dateTime={step.occurredAt}>{when(step.occurredAt)}</time>
          </li>
        ))}
      </ol>
      <p>
        <Link to="/history">All transfers</Link>
      </p>
    </section>
  );
}
