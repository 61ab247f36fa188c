/**
 * The app's frame: sign-in, then the customer's screens around one live connection. What the
 * customer may do next comes from `onboardingStatus` alone (see screens/Onboarding.tsx).
 */
import { ApolloProvider, useQuery } from '@apollo/client/react';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { BankContext, connectBank, reloadOnboardingStatus, useBank, useLive, useLiveState, type Bank } from './bank';
import { OnboardingChangedDocument, OnboardingFragmentDoc, OnboardingStatusDocument, ViewerDocument } from './graphql/generated';
import { Link, useLocation } from './router';
import { History } from './screens/History';
import { Onboarding, RelinkBanner } from './screens/Onboarding';
import { Recipients } from './screens/Recipients';
import { Send } from './screens/Send';
import { SignIn } from './screens/SignIn';
import { TransferPage } from './screens/TransferPage';
import { loadSession, saveSession, type Session } from './session';
import { money } from './words';
import { isWiseLinkPopup, onWiseLinkOutcome, reportOutcome } from './wise-link';

export function App() {
  const { path, query } = useLocation();
  // Wise sent the popup back here: tell the window that opened it, and close.
  if (path === '/onboarding/result' && isWiseLinkPopup()) {
    return <PopupDone outcome={query.get('outcome')} reason={query.get('reason')} />;
  }
  return <Signed />;
}

function PopupDone({ outcome, reason }: { outcome: string | null; reason: string | null }) {
  const [stillOpen, setStillOpen] = useState(false);
  useEffect(() => {
    reportOutcome({ outcome, reason });
    window.close();
    // Not a window a script may close (the note was stale): carry on here instead.
    const timer = setTimeout(() => setStillOpen(true), 500);
    return () => clearTimeout(timer);
  }, [outcome, reason]);
  if (stillOpen) return <Signed />;
  return <p role="status">Back from Wise. You can close this window.</p>;
}

function Signed() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const [expired, setExpired] = useState(false);
  const signIn = (s: Session) => {
    saveSession(s);
    setExpired(false);
    setSession(s);
  };
  const signOut = useCallback(() => {
    saveSession(null);
    setSession(null);
  }, []);
  const bank = useMemo<Bank | null>(() => {
    if (!session) return null;
    return { ...connectBank(session, () => (setExpired(true), signOut())), signOut };
  }, [session, signOut]);
  useEffect(() => () => void bank?.ws.dispose(), [bank]);

  if (!bank) return <SignIn onSignIn={signIn} expired={expired} />;
  return (
    <BankContext.Provider value={bank}>
      <ApolloProvider client={bank.apollo}>
        <Shell />
      </ApolloProvider>
    </BankContext.Provider>
  );
}

function Shell() {
  const bank = useBank();
  const { path } = useLocation();
  const viewer = useQuery(ViewerDocument);
  // refresh: true on arrival, so a connection Wise stopped accepting shows at once.
  const status = useQuery(OnboardingStatusDocument, { variables: { refresh: true } });
  const live = useLiveState();

  // Every change of the onboarding status is pushed; written into the cache, every screen
  // showing it updates (the status has one stable id).
  useLive(OnboardingChangedDocument, {}, {
    sequenceOf: (data) => data.onboardingStatusChanged.sequence,
    onData: (data) => {
      const pushed = data.onboardingStatusChanged;
      bank.apollo.cache.writeFragment({ id: bank.apollo.cache.identify(pushed as never), fragment: OnboardingFragmentDoc, fragmentName: 'Onboarding', data: pushed });
    },
    onReconnect: () => reloadOnboardingStatus(bank.apollo),
  });

  useEffect(() => onWiseLinkOutcome(() => reloadOnboardingStatus(bank.apollo)), [bank.apollo]);

  const current = (status.data ?? status.previousData)?.onboardingStatus;
  const ready = current?.state === 'READY';
  const nav: [string, string][] = [
    ['/', 'Home'],
    ['/send', 'Send money'],
    ['/recipients', 'Recipients'],
    ['/history', 'History'],
  ];
  const v = viewer.data?.viewer;
  return (
    <div className="shell">
      <header className="top">
        <div className="brand">
          <span aria-hidden="true" className="logo">
            ◆
          </span>{' '}
          Demo Bank
        </div>
        <div className="who">
          {bank.session.development && (
            <span className="dev-badge" title="Signed in with a development token">
              DEV TOKEN
            </span>
          )}
          <span>{v ? `${v.givenName} ${v.familyName}` : bank.session.customerId}</span>
          <span className={`live live-${live}`} role="status" aria-live="polite">
            {live === 'live' ? 'Live' : live === 'reconnecting' ? 'Reconnecting…' : 'Connecting…'}
          </span>
          <button type="button" className="link" onClick={bank.signOut}>
            Sign out
          </button>
        </div>
      </header>
      <nav aria-label="Main">
        {nav.map(([to, label]) => (
          <Link key={to} to={to} aria-current={path === to || (to !== '/' && path.startsWith(to)) ? 'page' : undefined}>
            {label}
          </Link>
        ))}
      </nav>
      {current?.state === 'RELINK_REQUIRED' && path !== '/' && <RelinkBanner status={current} />}
      <main>
        {v && (
          <section className="balances" aria-label="Your bank accounts">
            {v.bankAccounts.map((account) => (
              <div key={account.id} className="balance" data-currency={account.currency}>
                <span className="label">{account.currency} account</span>
                <span className="amount">{money(account.availableBalance)}</span>
              </div>
            ))}
          </section>
        )}
        {status.error && <p role="alert">Could not reach the bank: {status.error.message}</p>}
        {current && route(path, current.state, ready)}
      </main>
    </div>
  );
}

function route(path: string, state: string, ready: boolean) {
  if (path.startsWith('/transfers/')) return <TransferPage id={decodeURIComponent(path.slice('/transfers/'.length))} />;
  if (path === '/history') return <History />;
  if (!ready && (path === '/send' || path === '/recipients')) {
    return (
      <p className="notice" role="status">
        Finish connecting your Wise account first ({state.toLowerCase().replace(/_/g, ' ')}). <Link to="/">Go to Home</Link>
      </p>
    );
  }
  if (path === '/send') return <Send />;
  if (path === '/recipients') return <Recipients />;
  return <Onboarding />;
}
