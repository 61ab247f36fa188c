/**
 * Transfer history: a Relay connection read page by page (`fetchMore` with `after`; the cache's
 * relayStylePagination appends), filtered by status and by date.
 */
import { useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { HistoryDocument, type TransferStatus } from '../graphql/generated';
import { Link } from '../router';
import { money, STATUS_WORDS, when } from '../words';

const PAGE = 10;

export function History() {
  const [status, setStatus] = useState<TransferStatus | ''>('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const variables = {
    first: PAGE,
    status: status ? [status] : null,
    // Whole days in the customer's time zone: from the start of `from` to the end of `to`.
    createdAfter: from ? new Date(`${from}T00:00:00`).toISOString() : null,
    createdBefore: to ? new Date(`${to}T23:59:59.999`).toISOString() : null,
  };
  const history = useQuery(HistoryDocument, { variables, notifyOnNetworkStatusChange: true });
  const page = history.data?.transfers;
  return (
    <section aria-labelledby="history-heading">
      <h1 id="history-heading">Your transfers</h1>
      <form className="filters" aria-label="Filter transfers" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="filter-status">Status</label>
          <select id="filter-status" value={status} onChange={(e) => setStatus(e.target.value as TransferStatus | '')}>
            <option value="">Any</option>
            {(Object.keys(STATUS_WORDS) as TransferStatus[]).map((s) => (
              <option key={s} value={s}>
                {STATUS_WORDS[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-from">From</label>
          <input id="filter-from" type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="filter-to">To</label>
          <input id="filter-to" type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        </div>
      </form>
      {history.error && <p role="alert">{history.error.message}</p>}
      <ul className="history" id="history" aria-busy={history.loading || undefined}>
        {page?.edges.map(({ node }) => (
          <li key={node.id} data-status={node.status}>
            <Link to={`/transfers/${encodeURIComponent(node.id)}`}>
              <strong>{money(node.sourceAmount)}</strong> to {node.recipient?.accountHolderName ?? 'recipient'}
            </Link>{' '}
            <span className="hint">
              {STATUS_WORDS[node.status]} · {when(node.createdAt)}
            </span>
          </li>
        ))}
      </ul>
      {page && page.edges.length === 0 && <p>No transfers match.</p>}
      {page?.pageInfo.hasNextPage && (
        <button type="button" disabled={history.loading} onClick={() => void history.fetchMore({ variables: { after: page.pageInfo.endCursor } })}>
          Show more
        </button>
      )}
    </section>
  );
}
