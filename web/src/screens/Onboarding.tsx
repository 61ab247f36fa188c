/**
 * Onboarding, driven by `onboardingStatus` alone: its `state` and `nextAction` say which panel
 * to show, whatever the bank's onboarding model. Pushes (`onboardingStatusChanged`, see App)
 * update it in place, so "waiting for verification" turns into "ready" by itself.
 */
import { useMutation, useQuery } from '@apollo/client/react';
import { useEffect, useState } from 'react';
import {
  CreatePersonalProfileDocument,
  CreateWiseAccountDocument,
  LinkAccountDocument,
  OnboardingStatusDocument,
  type OnboardingFragment,
} from '../graphql/generated';
import { notePopupOpened, onWiseLinkOutcome, type LinkOutcome } from '../wise-link';
import { Link, navigate, useLocation } from '../router';
import { LINK_REJECTION, LINK_REQUIRED_REASON, RELINK_REASON, type LinkRejectionReason } from '../words';

type Outcome = LinkOutcome;

export function Onboarding() {
  const status = useQuery(OnboardingStatusDocument, { variables: { refresh: true } });
  const { path, query } = useLocation();
  const [outcome, setOutcome] = useState<Outcome | null>(path === '/onboarding/result' ? { outcome: query.get('outcome'), reason: query.get('reason') } : null);
  const [linkReason, setLinkReason] = useState<string | null>(null);

  // Back from the redirect: show the outcome once, on a clean URL.
  useEffect(() => {
    if (path === '/onboarding/result') navigate('/', { replace: true });
  }, [path]);

  // Back from the popup (see App's PopupDone).
  useEffect(() => onWiseLinkOutcome(setOutcome), []);

  const current = (status.data ?? status.previousData)?.onboardingStatus;
  if (!current) return <p role="status">Loading…</p>;
  return (
    <section aria-labelledby="onboarding-heading" className="onboarding" data-state={current.state}>
      <h1 id="onboarding-heading">{heading(current)}</h1>
      {outcome && <OutcomeNotice outcome={outcome} />}
      {!current.availability.offered && (
        <p className="notice" role="status">
          Wise transfers are not offered to you yet ({current.availability.reason === 'CUSTOMER_NOT_IN_PILOT' ? 'we are starting with a pilot group' : 'not on this route yet'}).
        </p>
      )}
      <Panel status={current} linkReason={linkReason} onLinkRequired={setLinkReason} />
    </section>
  );
}

function heading(status: OnboardingFragment): string {
  switch (status.state) {
    case 'READY':
      return 'You are ready to send money';
    case 'PENDING_VERIFICATION':
      return 'Wise is verifying your identity';
    case 'NO_PROFILE':
      return 'Set up your Wise profile';
    case 'RELINK_REQUIRED':
      return 'Reconnect your Wise account';
    case 'IDENTITY_MISMATCH':
      return 'That Wise account is not yours';
    case 'AWAITING_AUTHORIZATION':
      return 'Review your account at Wise';
    default:
      return 'Send money abroad with Wise';
  }
}

function OutcomeNotice({ outcome }: { outcome: Outcome }) {
  if (outcome.outcome === 'linked') {
    return (
      <p className="notice success" role="status" id="link-outcome" data-outcome="linked">
        Your Wise account is connected.
      </p>
    );
  }
  const reason = (outcome.reason ?? 'UPSTREAM_UNAVAILABLE') as LinkRejectionReason;
  return (
    <div className="notice error" role="alert" id="link-outcome" data-outcome={outcome.outcome ?? 'error'} data-reason={reason}>
      <strong>We could not connect your Wise account.</strong> {LINK_REJECTION[reason] ?? LINK_REJECTION.UPSTREAM_UNAVAILABLE}
    </div>
  );
}

function Panel({ status, linkReason, onLinkRequired }: { status: OnboardingFragment; linkReason: string | null; onLinkRequired(reason: string): void }) {
  switch (status.nextAction) {
    case 'CREATE_WISE_ACCOUNT':
      return <CreateAccount onLinkRequired={onLinkRequired} />;
    case 'LINK_WISE_ACCOUNT':
    case 'COMPLETE_AUTHORIZATION':
    case 'RELINK_WISE_ACCOUNT':
      return (
        <div className="card">
          <p>{linkReason ?? (status.relinkReason ? RELINK_REASON[status.relinkReason] : status.message)}</p>
          <ConnectAtWise label={status.nextAction === 'RELINK_WISE_ACCOUNT' ? 'Reconnect' : status.nextAction === 'COMPLETE_AUTHORIZATION' ? 'Review and claim at Wise' : 'Connect'} />
        </div>
      );
    case 'CREATE_PROFILE':
      return <CreateProfile status={status} />;
    case 'WAIT_FOR_VERIFICATION':
      return (
        <div className="card" aria-live="polite">
          <p>{status.message}</p>
          <p className="hint">This page updates by itself as soon as Wise has checked your identity.</p>
          <Verification status={status} />
        </div>
      );
    default:
      return (
        <div className="card" aria-live="polite">
          <p>{status.message}</p>
          <Verification status={status} />
          <p>
            <Link to="/send" className="button primary">
              Send money
            </Link>
          </p>
        </div>
      );
  }
}

function Verification({ status }: { status: OnboardingFragment }) {
  if (!status.verification?.length) return null;
  return (
    <ul className="verification" aria-label="Verification by currency">
      {status.verification.map((route) => (
        <li key={route.currency}>
          {route.currency}:{' '}
          {route.status === 'VERIFIED'
            ? 'verified'
            : Number(route.maximumEntitledAmount) > 0
              ? `not verified yet — you can send up to ${route.maximumEntitledAmount} ${route.currency} meanwhile`
              : 'not verified yet'}
        </li>
      ))}
    </ul>
  );
}

function CreateAccount({ onLinkRequired }: { onLinkRequired(reason: string): void }) {
  const [create, { loading, data }] = useMutation(CreateWiseAccountDocument);
  const result = data?.createWiseAccount;
  return (
    <div className="card">
      <p>We open a Wise account for you with the details we already hold (name, date of birth, address). Wise then checks your identity.</p>
      {result?.__typename === 'ProfileRejected' && (
        <div role="alert" className="notice error">
          <p>{result.message}</p>
          <ul>
            {result.fieldErrors.map((e) => (
              <li key={`${e.path}-${e.code}`}>{e.message}</li>
            ))}
          </ul>
        </div>
      )}
      <button
        type="button"
        className="primary"
        disabled={loading}
        onClick={async () => {
          const outcome = (await create()).data?.createWiseAccount;
          if (outcome?.__typename === 'LinkRequired') onLinkRequired(LINK_REQUIRED_REASON[outcome.reason]);
        }}
      >
        {loading ? 'Opening your account…' : 'Open my Wise account'}
      </button>
    </div>
  );
}

/**
 * Wise KYC: the customer logs in (or signs up, or claims the account we pre-filled) at Wise.
 * By redirect (this tab goes to Wise and comes back to /app/onboarding/result) or in a popup
 * (this page stays; the popup reports back and closes). Each click asks for a fresh,
 * single-use authorization URL.
 */
export function ConnectAtWise({ label }: { label: string }) {
  const [link, { loading }] = useMutation(LinkAccountDocument);
  const [problem, setProblem] = useState<string | null>(null);
  const authorizationUrl = async (): Promise<string | null> => {
    setProblem(null);
    try {
      const result = (await link()).data?.linkAccount;
      if (result?.__typename === 'AuthorizationRequired') return result.authorizationUrl;
      return null; // AlreadyLinked: the status in the cache says so.
    } catch (error) {
      setProblem(`Wise could not be reached: ${(error as Error).message}`);
      return null;
    }
  };
  return (
    <div className="actions">
      {problem && <p role="alert">{problem}</p>}
      <button
        type="button"
        className="primary"
        disabled={loading}
        onClick={async () => {
          const url = await authorizationUrl();
          if (url) location.assign(url);
        }}
      >
        {label} at Wise
      </button>
      <button
        type="button"
        disabled={loading}
        onClick={async () => {
          // Opened now, in the click, or the browser blocks it; pointed at Wise once we know where.
          notePopupOpened();
          const popup = window.open('', 'wise-link', 'popup,width=520,height=720');
          const url = await authorizationUrl();
          if (!url) return void popup?.close();
          if (popup) popup.location.href = url;
          else location.assign(url);
        }}
      >
        {label} in a new window
      </button>
    </div>
  );
}

function CreateProfile({ status }: { status: OnboardingFragment }) {
  const [create, { loading, data }] = useMutation(CreatePersonalProfileDocument);
  const [occupation, setOccupation] = useState('');
  const result = data?.createPersonalProfile;
  return (
    <div className="card">
      <p>{status.message}</p>
      <p>Your Wise account has no personal profile yet. We can create it from the details we hold for you.</p>
      <label htmlFor="occupation">Occupation (needed by Wise in some countries)</label>
      <input id="occupation" value={occupation} onChange={(e) => setOccupation(e.target.value)} />
      {result && result.__typename !== 'ProfileCreated' && (
        <div role="alert" className="notice error">
          {result.message}
        </div>
      )}
      <button type="button" className="primary" disabled={loading} onClick={() => void create({ variables: { input: occupation ? { occupation } : null } })}>
        Create my Wise profile
      </button>
    </div>
  );
}

/** On every screen while the connection to Wise needs the customer: why, in words, and the way back. */
export function RelinkBanner({ status }: { status: OnboardingFragment }) {
  return (
    <div className="banner" role="alert" id="relink-banner" data-reason={status.relinkReason ?? ''}>
      <p>
        <strong>Your Wise account needs reconnecting.</strong> {status.relinkReason ? RELINK_REASON[status.relinkReason] : status.message}
      </p>
      <ConnectAtWise label="Reconnect" />
    </div>
  );
}
