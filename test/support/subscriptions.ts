/** A real graphql-ws client subscribed as a bank customer, collecting what arrives. */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

export type Subscriber<T = any> = {
  received: T[];
  /** Resolves when the server closes the socket: its close code and reason, and when. */
  closed: Promise<{ code: number; reason: string; at: number }>;
  /** Resolves with the next message not yet taken (waits for it). */
  next(timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
};

export async function subscribe<T = any>(httpUrl: string, token: string, query: string, variables: Record<string, unknown> = {}): Promise<Subscriber<T>> {
  const client = createClient({
    url: `${httpUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { Authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: false,
    // The tests look at how the socket closed (`closed`); the client need not print it.
    onNonLazyError: () => {},
  });
  let onClosed: (value: { code: number; reason: string; at: number }) => void = () => {};
  const closed = new Promise<{ code: number; reason: string; at: number }>((resolve) => (onClosed = resolve));
  await new Promise<void>((resolve, reject) => {
    client.on('connected', () => resolve());
    client.on('closed', (event) => {
      const { code, reason } = event as { code: number; reason: string };
      onClosed({ code, reason: String(reason), at: Date.now() });
      reject(new Error(`closed: ${code}`));
    });
  });
  const received: T[] = [];
  let taken = 0;
  const waiters: (() => void)[] = [];
  const errors: unknown[] = [];
  client.subscribe(
    { query, variables },
    {
      next: (value) => {
        // A message with errors is the subscription failing: next() throws it.
        if (value.errors) errors.push(value.errors);
        else received.push(value.data as T);
        waiters.splice(0).forEach((w) => w());
      },
      error: (error) => {
        errors.push(error);
        waiters.splice(0).forEach((w) => w());
      },
      complete: () => {},
    },
  );
  // graphql-ws acknowledges subscribe without a round trip; give the server a moment to register.
  await new Promise((r) => setTimeout(r, 100));
  return {
    received,
    closed,
    async next(timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length <= taken) {
        if (errors.length) throw new Error(`subscription error: ${JSON.stringify(errors)}`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no message within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return received[taken++];
    },
    async close() {
      await client.dispose();
    },
  };
}
