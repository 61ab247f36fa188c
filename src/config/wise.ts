/** Which Wise the gateway talks to (the simulator, sandbox or production), as which client, and how patiently. */
import type { SectionInput } from './variables.js';

export type WiseEnvironment = 'simulator' | 'sandbox' | 'production';

export type WiseConfig = {
  environment: WiseEnvironment;
  /** API base URL; for the simulator, filled in once it listens unless WISE_API_URL overrides it. */
  apiUrl?: string;
  /** Browser authorization page; likewise. */
  authorizeUrl?: string;
  clientId: string;
  clientSecret: string;
  /** Path key of application webhook subscriptions (Wise gives it; not always the client id). */
  clientKey: string;
  /** PEM public key that verifies webhook signatures; the simulator's own in simulator mode. */
  webhookPublicKeyPem?: string;
  /** PEM private key that signs SCA one-time tokens (its public key is registered at Wise). */
  scaPrivateKeyPem?: string;
};

/** Timeouts and retries for calls to Wise. */
export type WiseHttpConfig = { timeoutMs: number; maxRetries: number; backoffBaseMs: number };

/** The simulator's OAuth client: fixed, public, loopback-only. */
export const SIMULATOR_CLIENT = { clientId: 'wise-platform-gateway', clientSecret: 'simulator-client-secret' };

/** Hosts and webhook signing keys per Wise environment (shared/wise-api auth.md §1, webhooks.md §2.4). */
const WISE_ENVIRONMENTS: Record<WiseEnvironment, { apiUrl?: string; authorizeUrl?: string; webhookPublicKeyPem?: string }> = {
  simulator: {},
  sandbox: {
    apiUrl: 'https://api.wise-sandbox.com',
    authorizeUrl: 'https://wise-sandbox.com/oauth/authorize/',
    webhookPublicKeyPem: `-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwpb91cEYuyJNQepZAVfP
ZIlPZfNUefH+n6w9SW3fykqKu938cR7WadQv87oF2VuT+fDt7kqeRziTmPSUhqPU
ys/V2Q1rlfJuXbE+Gga37t7zwd0egQ+KyOEHQOpcTwKmtZ81ieGHynAQzsn1We3j
wt760MsCPJ7GMT141ByQM+yW1Bx+4SG3IGjXWyqOWrcXsxAvIXkpUD/jK/L958Cg
nZEgz0BSEh0QxYLITnW1lLokSx/dTianWPFEhMC9BgijempgNXHNfcVirg1lPSyg
z7KqoKUN0oHqWLr2U1A+7kqrl6O2nx3CKs1bj1hToT1+p4kcMoHXA7kA+VBLUpEs
VwIDAQAB
-----END PUBLIC KEY-----
`,
  },
  production: {
    apiUrl: 'https://api.wise.com',
    authorizeUrl: 'https://wise.com/oauth/authorize/',
    webhookPublicKeyPem: `-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAvO8vXV+JksBzZAY6GhSO
XdoTCfhXaaiZ+qAbtaDBiu2AGkGVpmEygFmWP4Li9m5+Ni85BhVvZOodM9epgW3F
bA5Q1SexvAF1PPjX4JpMstak/QhAgl1qMSqEevL8cmUeTgcMuVWCJmlge9h7B1CS
D4rtlimGZozG39rUBDg6Qt2K+P4wBfLblL0k4C4YUdLnpGYEDIth+i8XsRpFlogx
CAFyH9+knYsDbR43UJ9shtc42Ybd40Afihj8KnYKXzchyQ42aC8aZ/h5hyZ28yVy
Oj3Vos0VdBIs/gAyJ/4yyQFCXYte64I7ssrlbGRaco4nKF3HmaNhxwyKyJafz19e
HwIDAQAB
-----END PUBLIC KEY-----
`,
  },
};

export function wiseConfig({ v, env, production, problem }: SectionInput): WiseConfig {
  if (production && !env.WISE_ENV?.trim()) {
    problem('WISE_ENV is required when NODE_ENV=production (sandbox or production): the embedded simulator is never a silent default');
  }
  const environment = v.WISE_ENV ?? 'simulator';
  const simulated = environment === 'simulator';
  if (production && v.WISE_ENV === 'simulator') {
    problem('WISE_ENV=simulator is refused when NODE_ENV=production: the embedded simulator moves no real money (use sandbox or production)');
  }
  if (environment === 'production' && !production) {
    problem('WISE_ENV=production needs NODE_ENV=production: real money is never moved by a development gateway');
  }
  const defaults = WISE_ENVIRONMENTS[environment];
  const clientId = v.WISE_CLIENT_ID ?? (simulated ? SIMULATOR_CLIENT.clientId : undefined);
  const clientSecret = v.WISE_CLIENT_SECRET ?? (simulated ? SIMULATOR_CLIENT.clientSecret : undefined);
  if (!clientId) problem(`WISE_CLIENT_ID is required when WISE_ENV=${environment} (the client id Wise gave the bank)`);
  if (!clientSecret) problem(`WISE_CLIENT_SECRET is required when WISE_ENV=${environment} (the client secret Wise gave the bank)`);
  if (production && v.WISE_CLIENT_SECRET === SIMULATOR_CLIENT.clientSecret) {
    problem('WISE_CLIENT_SECRET must not be the simulator\'s client secret when NODE_ENV=production');
  }
  // A missing client id or secret was reported above; the configuration is refused before use.
  return {
    environment,
    // An override works in every environment; in simulator mode it puts something (a
    // recording proxy, say) between the gateway and the simulator it still starts.
    apiUrl: v.WISE_API_URL?.replace(/\/+$/, '') ?? defaults.apiUrl,
    authorizeUrl: v.WISE_AUTHORIZE_URL ?? defaults.authorizeUrl,
    clientId: clientId!,
    clientSecret: clientSecret!,
    clientKey: v.WISE_CLIENT_KEY ?? clientId!,
    webhookPublicKeyPem: v.WISE_WEBHOOK_PUBLIC_KEY ?? defaults.webhookPublicKeyPem,
    scaPrivateKeyPem: v.WISE_SCA_PRIVATE_KEY,
  };
}

export function wiseHttpConfig({ v }: SectionInput): WiseHttpConfig {
  return { timeoutMs: v.WISE_TIMEOUT_MS ?? 10_000, maxRetries: v.WISE_MAX_RETRIES ?? 3, backoffBaseMs: v.WISE_BACKOFF_BASE_MS ?? 200 };
}
