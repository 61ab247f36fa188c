/**
 * Acting as the customer at (simulated) Wise, and looking at what the simulator saw.
 */
import type { TestGateway } from './gateway.js';

export function simulatorOf(gateway: TestGateway) {
  const sim = gateway.simulator!;
  const control = async (path: string, body?: unknown, method = 'POST') => {
    const response = await fetch(`${sim.url}/__simulator${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return text ? JSON.parse(text) : undefined;
  };
  return {
    sim,
    control,
    userByEmail: async (email: string) => (await control(`/users?email=${encodeURIComponent(email)}`, undefined, 'GET'))[0],
    calls: async (path?: string) => (await control(`/calls${path ? `?path=${encodeURIComponent(path)}` : ''}`, undefined, 'GET')) as { method: string; path: string; status: number; grant?: string }[],
    clearCalls: () => control('/calls', undefined, 'DELETE'),
  };
}

/**
 * Walks Wise's authorization page as a person would post its forms (the browser tests drive
 * the real page): log in, then allow or deny. Returns where Wise sends the browser back.
 */
export async function authorizeAtWise(
  authorizationUrl: string,
  person: { email: string; password: string },
  options: { decision?: 'allow' | 'deny'; claimPassword?: string } = {},
): Promise<URL> {
  const url = new URL(authorizationUrl);
  const params = Object.fromEntries(url.searchParams);
  let html: string;
  if (params.claim_account_code) {
    const claim = await fetch(new URL('/oauth/authorize/claim', url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...params, password: options.claimPassword ?? person.password }),
      redirect: 'manual',
    });
    if (claim.status === 302) return new URL(claim.headers.get('location')!);
    html = await claim.text();
  } else {
    const login = await fetch(new URL('/oauth/authorize/login', url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...params, email: person.email, password: person.password }),
    });
    if (login.status !== 200) throw new Error(`login at Wise failed: ${login.status}`);
    html = await login.text();
  }
  const session = /name="session" value="([^"]+)"/.exec(html)?.[1];
  if (!session) throw new Error(`no consent page: ${html.slice(0, 300)}`);
  const profileId = /name="profileId" value="(\d+)"/.exec(html)?.[1];
  const consent = await fetch(new URL('/oauth/authorize/consent', url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ session, decision: options.decision ?? 'allow', ...(profileId ? { profileId } : {}) }),
    redirect: 'manual',
  });
  return new URL(consent.headers.get('location')!);
}

export const BOB_AT_WISE = { email: 'bob.existing@bank.example', password: 'wise-demo-password' };

export const ONBOARDING_STATUS = `query Status($refresh: Boolean) {
  onboardingStatus(refresh: $refresh) { id state model nextAction message relinkReason profileId verification { currency status maximumEntitledAmount } }
}`;

export const CREATE_WISE_ACCOUNT = `mutation { createWiseAccount {
  __typename
  ... on WiseAccountCreated { onboardingStatus { state nextAction } profile { id wiseProfileId type fullName dateOfBirth address { city country } } }
  ... on LinkRequired { reason authorizationUrl expiresAt code }
  ... on AlreadyLinked { onboardingStatus { state } }
  ... on ProfileRejected { fieldErrors { path code message } }
} }`;

export const LINK_ACCOUNT = `mutation { linkAccount {
  __typename
  ... on AuthorizationRequired { authorizationUrl expiresAt claimsPrefilledAccount }
  ... on AlreadyLinked { onboardingStatus { state } }
} }`;

export const COMPLETE_LINK = `mutation Complete($state: String!, $code: String, $profileId: String, $error: String) {
  completeLink(input: { state: $state, code: $code, profileId: $profileId, error: $error }) {
    __typename
    ... on LinkCompleted { onboardingStatus { state profileId } }
    ... on LinkRejected { reason message }
  }
}`;

/** linkAccount → Wise's page → completeLink through GraphQL, for one customer. */
export async function linkThroughWise(gateway: TestGateway, customerId: string, person: { email: string; password: string }) {
  const link = await gateway.graphql(LINK_ACCOUNT, { customerId });
  const back = await authorizeAtWise(link.body.data.linkAccount.authorizationUrl, person);
  const complete = await gateway.graphql(COMPLETE_LINK, {
    customerId,
    variables: { state: back.searchParams.get('state'), code: back.searchParams.get('code'), profileId: back.searchParams.get('profileId') },
  });
  return { back, result: complete.body.data?.completeLink ?? complete.body };
}
