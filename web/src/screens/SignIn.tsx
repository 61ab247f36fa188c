/**
 * Sign-in for the demo. A bank's app signs its customers in with its own identity provider and
 * sends that token; here the gateway hands out DEVELOPMENT tokens for its demo customers
 * (GET /app/demo/customers, development only), or any bank token can be pasted.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { subjectOf, type Session } from '../session';

type DemoCustomer = { id: string; name: string; story: string };

export function SignIn({ onSignIn, expired }: { onSignIn(session: Session): void; expired: boolean }) {
  const [demo, setDemo] = useState<DemoCustomer[] | null | 'none'>(null);
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    fetch('/app/demo/customers')
      .then(async (r) => (r.ok ? setDemo(((await r.json()) as { customers: DemoCustomer[] }).customers) : setDemo('none')))
      .catch(() => setDemo('none'));
  }, []);

  const signInAs = async (customer: DemoCustomer) => {
    setError(null);
    const response = await fetch(`/app/demo/customers/${encodeURIComponent(customer.id)}/token`, { method: 'POST' });
    if (!response.ok) return setError('The gateway gave no development token.');
    const body = (await response.json()) as { token: string };
    onSignIn({ token: body.token, customerId: customer.id, development: true });
  };

  const paste = (event: FormEvent) => {
    event.preventDefault();
    const subject = subjectOf(token.trim());
    if (!subject) return setError('That is not a bank token (a JWT).');
    onSignIn({ token: token.trim(), customerId: subject, development: false });
  };

  return (
    <main className="sign-in">
      <h1>Demo Bank</h1>
      <p>Send money abroad with Wise, from your bank.</p>
      {expired && <p role="alert">Your session ended. Please sign in again.</p>}
      {error && <p role="alert">{error}</p>}
      {Array.isArray(demo) && (
        <section aria-labelledby="demo-heading" className="card">
          <h2 id="demo-heading">Sign in as a demo customer</h2>
          <p className="dev-warning">
            <strong>Development only.</strong> These buttons get a development token from the gateway; a bank signs its customers in with its own
            identity provider.
          </p>
          <ul className="demo-customers">
            {demo.map((c) => (
              <li key={c.id}>
                <button type="button" onClick={() => void signInAs(c)} data-customer={c.id}>
                  Sign in as {c.name}
                </button>
                <span className="hint">{c.story}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
      <form onSubmit={paste} className="card">
        <h2>Or use a bank token</h2>
        <label htmlFor="token">Bank token (JWT)</label>
        <textarea id="token" value={token} onChange={(e) => setToken(e.target.value)} rows={3} />
        <button type="submit">Sign in with this token</button>
      </form>
    </main>
  );
}
