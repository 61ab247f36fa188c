/**
 * Paying for a transfer: the bank debits the customer and funds it at Wise. When Wise asks for
 * strong customer authentication (ScaRequired), the customer approves here — in a bank's own
 * app, with the approval step it already has (biometrics, PIN) — and the same call is made
 * again with Wise's one-time token. Repeating a funding never debits twice (the gateway's rule).
 */
import { useMutation } from '@apollo/client/react';
import { useEffect, useRef, useState } from 'react';
import { FundTransferDocument, ViewerDocument, type TransferSummaryFragment } from '../graphql/generated';
import { money } from '../words';

export function Pay({ transfer, onFunded }: { transfer: TransferSummaryFragment; onFunded(t: TransferSummaryFragment): void }) {
  const [fund, funding] = useMutation(FundTransferDocument, { refetchQueries: [ViewerDocument] });
  const [challenge, setChallenge] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const approve = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (challenge) approve.current?.focus();
  }, [challenge]);

  const pay = async (oneTimeToken?: string) => {
    setProblem(null);
    try {
      const result = (await fund({ variables: { input: { transferId: transfer.id, oneTimeToken } } })).data?.fundTransfer;
      if (!result) return;
      if (result.__typename === 'TransferFunded') {
        setChallenge(null);
        onFunded(result.transfer);
      } else if (result.__typename === 'ScaRequired') setChallenge(result.oneTimeToken);
      else {
        setChallenge(null);
        setProblem(result.message);
      }
    } catch (error) {
      setProblem(`We did not hear back (${(error as Error).message}). Try again: you will not be charged twice.`);
    }
  };

  if (challenge) {
    return (
      <div className="sca card" role="dialog" aria-modal="false" aria-labelledby="sca-heading" id="sca">
        <h2 id="sca-heading">Approve this payment</h2>
        <p>
          Wise asks you to confirm that you are paying <strong>{money(transfer.sourceAmount)}</strong> to <strong>{transfer.recipient?.accountHolderName ?? 'your recipient'}</strong>.
        </p>
        <p className="hint">In the bank's own app this is where you approve with your fingerprint or PIN.</p>
        <button type="button" className="primary" ref={approve} disabled={funding.loading} onClick={() => void pay(challenge)}>
          Approve
        </button>
        <button type="button" className="link" onClick={() => setChallenge(null)}>
          Not now
        </button>
      </div>
    );
  }
  return (
    <div className="pay">
      {problem && (
        <p role="alert" className="notice error">
          {problem}
        </p>
      )}
      <button type="button" className="primary" id="pay" disabled={funding.loading} onClick={() => void pay()}>
        {funding.loading ? 'Paying…' : `Pay ${money(transfer.sourceAmount)}`}
      </button>
    </div>
  );
}
