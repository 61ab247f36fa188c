/**
 * The simulator's shared machinery: state, clock, options, signing keys, the call log, faults
 * and latency injected through the controls, and persistence to a JSON file.
 */
import { generateKeyPairSync, type KeyObject, createPrivateKey, createPublicKey } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Clock } from './clock.js';
import { emptyState, type SimTransfer, type State } from './state.js';

export type SimulatorOptions = {
  /** OAuth client the gateway uses; `clientKey` is the webhook subscription path key. */
  clientId: string;
  clientSecret: string;
  clientKey: string;
  /** Registered redirect URIs; the authorization page refuses any other. */
  redirectUris: string[];
  /** Where the simulator is reached from a browser/gateway (for URLs it hands out). */
  publicUrl?: string;
  /** JSON file the state is kept in between restarts; in memory only when unset. */
  stateFile?: string;
  /** PEM of the RSA key that signs webhooks; generated (and kept in stateFile) when unset. */
  webhookPrivateKeyPem?: string;
  /** Webhook retry schedule: first retry after this many ms, doubling, at most 25 attempts. */
  webhookRetryBaseMs: number;
  /** Verify new profiles automatically after this many ms (a stand-in for Wise's review). */
  autoVerifyAfterMs?: number;
  /** Balance a new profile starts with, per currency (the sandbox gives 1,000,000 GBP). */
  startingBalances: Record<string, number>;
  /** Wise users that exist before any partner arrives (the demo "already at Wise" customer). */
  seedUsers: SeedUser[];
};

export type SeedUser = {
  email: string;
  password: string;
  profile?: { firstName: string; lastName: string; dateOfBirth: string; country: string; city: string; firstLine: string; postCode: string };
  verified?: boolean;
};

export type Fault = {
  id: number;
  method?: string;
  /** Matches when the request path starts with this, or equals it with :params as wildcards. */
  path: string;
  remaining: number;
  kind: 'status' | 'rate_limit' | 'timeout' | 'drop' | 'lose_response' | 'delay_response' | 'delay_request';
  status?: number;
  retryAfterSeconds?: number;
  delayMs?: number;
};

export type CallRecord = {
  at: string;
  method: string;
  path: string;
  query: string;
  status: number;
  /** Which token kind authenticated it, never the token. */
  auth: 'client' | 'user' | 'basic' | 'none';
  /** For /oauth/token: the grant type (never the code or token). */
  grant?: string;
  correlationId: string | null;
  /** The W3C `traceparent` the caller sent, if any: which of its traces the call belongs to. */
  traceparent: string | null;
  /** From the request's arrival to the end of the answer: what Wise itself took, as its own servers would time it (added latency included). */
  durationMs: number;
};

const SAVE_AFTER_MS = 5000;

export class SimulatorCore {
  readonly clock = new Clock();
  state: State;
  readonly calls: CallRecord[] = [];
  faults: Fault[] = [];
  latencyMs = 0;
  private faultSeq = 0;
  readonly privateKey: KeyObject;
  readonly publicKeyPem: string;
  private saveTimer: NodeJS.Timeout | undefined;
  /** Set once the HTTP server listens. */
  baseUrl = '';
  /** The partner's public key for SCA signatures (registered through the controls). */
  scaPublicKeyPem: string | undefined;
  /** Moves a transfer to a state and emits its webhook; set by the money routes. */
  moveTransfer: (transfer: SimTransfer, state: string) => void = () => {
    throw new Error('money routes not mounted');
  };

  constructor(readonly options: SimulatorOptions) {
    const persisted = options.stateFile ? readPersisted(options.stateFile) : undefined;
    this.state = persisted?.state ?? emptyState();
    const pem = options.webhookPrivateKeyPem ?? persisted?.webhookPrivateKeyPem;
    this.privateKey = pem
      ? createPrivateKey(pem)
      : generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    this.publicKeyPem = createPublicKey(this.privateKey).export({ type: 'spki', format: 'pem' }).toString();
  }

  /**
   * Writes the state file a while after a change (and on stop). Serializing the whole state is
   * synchronous and grows with it — with ten thousand transfers it took the event loop away
   * from webhook delivery when done every 200 ms (bench/), so changes are batched for seconds.
   */
  changed(): void {
    if (!this.options.stateFile || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.saveNow();
    }, SAVE_AFTER_MS);
    this.saveTimer.unref();
  }

  saveNow(): void {
    if (!this.options.stateFile) return;
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    const file = this.options.stateFile;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const body = JSON.stringify({
      version: 1,
      state: this.state,
      webhookPrivateKeyPem: this.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    });
    fs.writeFileSync(`${file}.tmp`, body, { mode: 0o600 });
    fs.renameSync(`${file}.tmp`, file);
  }

  addFault(fault: Omit<Fault, 'id'>): Fault {
    const created = { ...fault, id: ++this.faultSeq };
    this.faults.push(created);
    return created;
  }

  /** The next armed fault for this request, consumed; undefined when none applies. */
  takeFault(method: string, requestPath: string): Fault | undefined {
    const fault = this.faults.find((f) => f.remaining > 0 && (!f.method || f.method.toUpperCase() === method) && pathMatches(f.path, requestPath));
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining === 0) this.faults = this.faults.filter((f) => f !== fault);
    return { ...fault };
  }

  reset(): void {
    this.state = emptyState();
    this.calls.length = 0;
    this.faults = [];
    this.latencyMs = 0;
    this.changed();
  }
}

export function pathMatches(pattern: string, actual: string): boolean {
  if (!pattern.includes(':') && !pattern.includes('*')) return actual === pattern || actual.startsWith(pattern.endsWith('/') ? pattern : `${pattern}/`);
  const regex = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z]+/g, '[^/]+').replace(/\*/g, '.*')}$`);
  return regex.test(actual);
}

function readPersisted(file: string): { state: State; webhookPrivateKeyPem?: string } | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { version: number; state: State; webhookPrivateKeyPem?: string };
    return parsed.version === 1 ? parsed : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`The simulator state file ${file} cannot be read; delete it to start afresh`, { cause: error });
  }
}
