/**
 * Onboarding end to end through GraphQL, against the simulator over HTTP and real Postgres:
 * the three models, the 409 fallback, and every edge case from Wise's guides, each judged by
 * what onboardingStatus says afterwards.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WiseLink } from '../src/entities/WiseLink.js';
import { sql } from './support/database.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import {
  authorizeAtWise,
  BOB_AT_WISE,
  COMPLETE_LINK,
  CREATE_WISE_ACCOUNT,
  LINK_ACCOUNT,
  linkThroughWise,
  ONBOARDING_STATUS,
  simulatorOf,
} from './support/wise.js';

let gateway: TestGateway;
afterEach(() => gateway?.stop());

const status = async (customerId: string, refresh = false) =>
  (await gateway.graphql(ONBOARDING_STATUS, { customerId, variables: { refresh } })).body.data.onboardingStatus;

async function linkOf(customerId: string): Promise<WiseLink> {
  const em = gateway.orm.em.fork();
  return em.findOneOrFail(WiseLink, { customerId, status: { $ne: 'UNLINKED' } });
}

describe('partner KYC (ONBOARDING_MODEL=partner_kyc)', () => {
  beforeEach(async () => {
    gateway = await startTestGateway({ ONBOARDING_MODEL: 'partner_kyc' });
  });

  it("opens a Wise account from the bank's data, then waits for verification, then is ready", async () => {
    expect(await status('cust-alice')).toMatchObject({ state: 'NOT_LINKED', nextAction: 'CREATE_WISE_ACCOUNT', model: 'PARTNER_KYC' });
    const { body } = await gateway.graphql(CREATE_WISE_ACCOUNT, { customerId: 'cust-alice' });
    const created = body.data.createWiseAccount;
    expect(created).toMatchObject({
      __typename: 'WiseAccountCreated',
      onboardingStatus: { state: 'PENDING_VERIFICATION', nextAction: 'WAIT_FOR_VERIFICATION' },
      profile: { type: 'PERSONAL', fullName: 'Alice Newcomer', dateOfBirth: '1990-04-12', address: { city: 'London', country: 'GB' } },
    });
    const wise = simulatorOf(gateway);
    const atWise = await wise.userByEmail('alice.new@bank.example');
    expect(atWise.profiles[0]).toMatchObject({ id: Number(created.profile.wiseProfileId), firstName: 'Alice', lastName: 'Newcomer', dateOfBirth: '1990-04-12', address: expect.objectContaining({ countryIso3Code: 'gbr', postCode: 'N1 1AA' }) });

    await wise.control(`/profiles/${created.profile.wiseProfileId}/verification`, { verified: true });
    expect(await status('cust-alice', true)).toMatchObject({ state: 'READY', nextAction: 'NONE', verification: expect.arrayContaining([{ currency: 'GBP', status: 'VERIFIED', maximumEntitledAmount: '1000000' }]) });
    const profiles = (await gateway.graphql('{ profiles { id type fullName } }', { customerId: 'cust-alice' })).body.data.profiles;
    expect(profiles).toEqual([{ id: created.profile.id, type: 'PERSONAL', fullName: 'Alice Newcomer' }]);
  });

  it('uses a registration code of at least 32 random characters, stored sealed beside the sign-up email', async () => {
    await gateway.graphql(CREATE_WISE_ACCOUNT, { customerId: 'cust-alice' });
    const link = await linkOf('cust-alice');
    expect(link.signupEmail).toBe('alice.new@bank.example');
    expect(link.registrationCode).toMatch(/^v1\.dev\./);
    const code = gateway.tokens.open(link, 'registrationCode')!;
    expect(code.length).toBeGreaterThanOrEqual(32);
    expect(gateway.tokens.open(link, 'registrationCode')).toBe(code);
  });

  it('falls back to linking when Wise already knows the email (409): status says link, no credential is kept, the URL works', async () => {
    const { body } = await gateway.graphql(CREATE_WISE_ACCOUNT, { customerId: 'cust-bob' });
    const result = body.data.createWiseAccount;
    expect(result).toMatchObject({ __typename: 'LinkRequired', reason: 'EMAIL_ALREADY_AT_WISE' });
    // A frontend that follows onboardingStatus alone is sent to link, not round createWiseAccount again.
    expect(await status('cust-bob')).toMatchObject({ state: 'NOT_LINKED', nextAction: 'LINK_WISE_ACCOUNT', message: expect.stringContaining('already has an account') });
    const rows = await sql<Record<string, unknown>>(
      gateway.databaseUrl,
      "select status, registration_code, access_token, refresh_token, wise_user_id from wise_link where customer_id = 'cust-bob'",
    );
    expect(rows).toEqual([{ status: 'LINK_REQUIRED', registration_code: null, access_token: null, refresh_token: null, wise_user_id: null }]);

    const back = await authorizeAtWise(result.authorizationUrl, BOB_AT_WISE);
    const complete = await gateway.graphql(COMPLETE_LINK, {
      customerId: 'cust-bob',
      variables: { state: back.searchParams.get('state'), code: back.searchParams.get('code'), profileId: back.searchParams.get('profileId') },
    });
    expect(complete.body.data.completeLink).toMatchObject({ __typename: 'LinkCompleted', onboardingStatus: { state: 'READY' } });
    expect(await status('cust-bob')).toMatchObject({ state: 'READY', nextAction: 'NONE', model: 'WISE_KYC' });
  });

  it('answers a repeated createWiseAccount after a 409 with LinkRequired again, without asking Wise to create the user twice', async () => {
    await gateway.graphql(CREATE_WISE_ACCOUNT, { customerId: 'cust-bob' });
    const again = (await gateway.graphql(CREATE_WISE_ACCOUNT, { customerId: 'cust-bob' })).body.data.createWiseAccount;
    expect(again).toMatchObject({ __typename: 'LinkRequired', reason: 'EMAIL_ALREADY_AT_WISE', authorizationUrl: expect.stringContaining('state=') });
    const signups = await simulatorOf(gateway).calls('/v1/user/signup/registration_code');
    expect(signups.map((c) => c.status)).toEqual([409]);
  });

  it('tries again to open the account once the bank has a new email for the customer', async () => {
    await gateway.graphql(CREATE_WISE_ACCOUNT, { customerId: 'cust-bob' });
    await sql(gateway.databaseUrl, "update bank_customer set email = 'bob.fresh@bank.example' where id = 'cust-bob'");
    const created = (await gateway.graphql(CREATE_WISE_ACCOUNT, { customerId: 'cust-bob' })).body.data.createWiseAccount;
    expect(created).toMatchObject({ __typename: 'WiseAccountCreated', onboardingStatus: { state: 'PENDING_VERIFICATION' } });
    expect(await status('cust-bob')).toMatchObject({ model: 'PARTNER_KYC' });
    expect(await simulatorOf(gateway).userByEmail('bob.fresh@bank.example')).toBeTruthy();
  });

  it('answers AlreadyLinked to a second createWiseAccount and creates no second Wise user', async () => {
    await gateway.graphql(CREATE_WISE_ACCOUNT, { customerId: 'cust-alice' });
    const again = await gateway.graphql(CREATE_WISE_ACCOUNT, { customerId: 'cust-alice' });
    expect(again.body.data.createWiseAccount.__typename).toBe('AlreadyLinked');
    const signups = (await simulatorOf(gateway).calls('/v1/user/signup/registration_code')).filter((c) => c.status === 200);
    expect(signups).toHaveLength(1);
  });

  it('recovers an account whose creation answer was lost, with the stored registration code', async () => {
    const wise = simulatorOf(gateway);
    await wise.control('/faults', { method: 'POST', path: '/v1/user/signup/registration_code', kind: 'lose_response' });
    const first = await gateway.graphql(CREATE_WISE_ACCOUNT, { customerId: 'cust-alice' });
    expect(first.body.errors![0].extensions!.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(await wise.userByEmail('alice.new@bank.example')).toBeTruthy();
    const second = await gateway.graphql(CREATE_WISE_ACCOUNT, { customerId: 'cust-alice' });
    expect(second.body.data.createWiseAccount.__typename).toBe('WiseAccountCreated');
    const users = await wise.control('/users', undefined, 'GET');
    expect(users.filter((u: { email: string }) => u.email === 'alice.new@bank.example')).toHaveLength(1);
  });

  it("reports a profile Wise cannot take as ProfileRejected (NO_PROFILE), then creates it once the bank's data is fixed, and a business profile", async () => {
    await sql(
      gateway.databaseUrl,
      `insert into bank_customer (id, email, given_name, family_name, date_of_birth, address, phone)
       values ('cust-dora', 'dora@bank.example', 'Dora', 'Faraway', '1995-05-05', '{"firstLine":"1 Ice Road","city":"Base","postCode":null,"stateCode":null,"country":"AQ"}', '+447700900077')`,
    );
    const first = (await gateway.graphql(CREATE_WISE_ACCOUNT, { customerId: 'cust-dora' })).body.data.createWiseAccount;
    expect(first).toMatchObject({ __typename: 'ProfileRejected', fieldErrors: [{ path: 'address.country', code: 'NOT_SUPPORTED' }] });
    expect(await status('cust-dora')).toMatchObject({ state: 'NO_PROFILE', nextAction: 'CREATE_PROFILE' });

    await sql(gateway.databaseUrl, `update bank_customer set address = '{"firstLine":"5 Quay","city":"Dublin","postCode":"D01","stateCode":null,"country":"IE"}' where id = 'cust-dora'`);
    const personal = `mutation { createPersonalProfile(input: { occupation: "Nurse" }) { __typename ... on ProfileCreated { profile { id type fullName address { city country } } } } }`;
    const created = (await gateway.graphql(personal, { customerId: 'cust-dora' })).body.data.createPersonalProfile;
    expect(created).toMatchObject({ __typename: 'ProfileCreated', profile: { type: 'PERSONAL', fullName: 'Dora Faraway', address: { city: 'Dublin', country: 'IE' } } });
    expect(await status('cust-dora')).toMatchObject({ state: 'PENDING_VERIFICATION' });

    const business = `mutation B($key: String!) { createBusinessProfile(input: { idempotencyKey: $key,
      businessName: "Dora Trading", registrationNumber: "IE123", companyType: "LIMITED", companyRole: "OWNER",
      address: { firstLine: "5 Quay", city: "Dublin", country: "IE" } }) { __typename ... on ProfileCreated { profile { id type fullName } } ... on ProfileRejected { fieldErrors { path message } } } }`;
    const b1 = (await gateway.graphql(business, { customerId: 'cust-dora', variables: { key: 'biz-1' } })).body.data.createBusinessProfile;
    const b2 = (await gateway.graphql(business, { customerId: 'cust-dora', variables: { key: 'biz-1' } })).body.data.createBusinessProfile;
    expect(b1).toMatchObject({ __typename: 'ProfileCreated', profile: { type: 'BUSINESS', fullName: 'Dora Trading' } });
    expect(b2.profile.id).toBe(b1.profile.id);
    const profiles = (await gateway.graphql('{ profiles { type } }', { customerId: 'cust-dora' })).body.data.profiles;
    expect(profiles.map((p: { type: string }) => p.type)).toEqual(['PERSONAL', 'BUSINESS']);
  });

  it("tells a customer whether their own email has a Wise account, and never answers for anyone else's", async () => {
    const check = `mutation Check($email: String) { checkWiseAccount(input: { email: $email }) { email exists } }`;
    expect((await gateway.graphql(check, { customerId: 'cust-bob' })).body.data.checkWiseAccount).toEqual({ email: 'bob.existing@bank.example', exists: true });
    expect((await gateway.graphql(check, { customerId: 'cust-alice' })).body.data.checkWiseAccount).toEqual({ email: 'alice.new@bank.example', exists: false });
    expect((await gateway.graphql(check, { customerId: 'cust-alice', variables: { email: 'Alice.New@bank.example' } })).body.data.checkWiseAccount.exists).toBe(false);
    // Alice asking about Bob's address learns nothing, and Wise is not asked.
    const wise = simulatorOf(gateway);
    await wise.clearCalls();
    const probe = await gateway.graphql(check, { customerId: 'cust-alice', variables: { email: 'bob.existing@bank.example' } });
    expect(probe.body.data).toBeNull();
    expect(probe.body.errors![0].extensions!.code).toBe('FORBIDDEN');
    expect(await wise.calls('/v1/users/exists')).toEqual([]);
  });

  it('unlinks: credentials and cached profiles are forgotten', async () => {
    await gateway.graphql(CREATE_WISE_ACCOUNT, { customerId: 'cust-alice' });
    const { body } = await gateway.graphql('mutation { unlinkAccount { unlinked onboardingStatus { state } } }', { customerId: 'cust-alice' });
    expect(body.data.unlinkAccount).toEqual({ unlinked: true, onboardingStatus: { state: 'NOT_LINKED' } });
    expect((await gateway.graphql('{ profiles { id } }', { customerId: 'cust-alice' })).body.data.profiles).toEqual([]);
    const [row] = await sql<{ access_token: string | null; registration_code: string | null }>(gateway.databaseUrl, "select access_token, registration_code from wise_link where customer_id = 'cust-alice'");
    expect(row).toEqual({ access_token: null, registration_code: null });
  });
});

describe('Wise KYC (ONBOARDING_MODEL=wise_kyc)', () => {
  beforeEach(async () => {
    gateway = await startTestGateway({ ONBOARDING_MODEL: 'wise_kyc' });
  });

  it('links through the authorization page and GET /oauth/callback, which sends the browser back with the outcome', async () => {
    expect(await status('cust-bob')).toMatchObject({ state: 'NOT_LINKED', nextAction: 'LINK_WISE_ACCOUNT' });
    const link = await gateway.graphql(LINK_ACCOUNT, { customerId: 'cust-bob' });
    const { authorizationUrl, claimsPrefilledAccount } = link.body.data.linkAccount;
    expect(claimsPrefilledAccount).toBe(false);
    const url = new URL(authorizationUrl);
    expect(url.origin + url.pathname).toBe(`${gateway.simulator!.url}/oauth/authorize/`);
    expect(url.searchParams.get('redirect_uri')).toBe(`${gateway.publicUrl}/oauth/callback`);
    expect(url.searchParams.get('state')!.length).toBeGreaterThanOrEqual(43);

    const back = await authorizeAtWise(authorizationUrl, BOB_AT_WISE);
    expect(back.origin + back.pathname).toBe(`${gateway.publicUrl}/oauth/callback`);
    const callback = await fetch(back, { redirect: 'manual' });
    expect(callback.status).toBe(302);
    const landing = new URL(callback.headers.get('location')!);
    expect(landing.pathname).toBe('/onboarding/result');
    expect(Object.fromEntries(landing.searchParams)).toEqual({ outcome: 'linked', state: 'READY' });
    expect(landing.toString()).not.toContain(back.searchParams.get('code')!);
    expect(await status('cust-bob')).toMatchObject({ state: 'READY', model: 'WISE_KYC' });
  });

  it('createWiseAccount sends the customer to Wise too', async () => {
    const { body } = await gateway.graphql(CREATE_WISE_ACCOUNT, { customerId: 'cust-alice' });
    expect(body.data.createWiseAccount).toMatchObject({ __typename: 'LinkRequired', reason: 'BANK_USES_WISE_KYC' });
  });
});

describe('Wise KYC with pre-filled data (ONBOARDING_MODEL=wise_kyc_prefilled)', () => {
  beforeEach(async () => {
    gateway = await startTestGateway({ ONBOARDING_MODEL: 'wise_kyc_prefilled' });
  });

  it('creates the account from bank data, sends the customer to claim it, then behaves like any link', async () => {
    const link = await gateway.graphql(LINK_ACCOUNT, { customerId: 'cust-alice' });
    const { authorizationUrl, claimsPrefilledAccount } = link.body.data.linkAccount;
    expect(claimsPrefilledAccount).toBe(true);
    expect(new URL(authorizationUrl).searchParams.get('claim_account_code')).toBeTruthy();
    expect(await status('cust-alice')).toMatchObject({ state: 'AWAITING_AUTHORIZATION', nextAction: 'COMPLETE_AUTHORIZATION' });

    // The customer reviews the pre-filled profile at Wise, sets a password and consents.
    const review = await (await fetch(authorizationUrl)).text();
    expect(review).toContain('Alice Newcomer');
    expect(review).toContain('1990-04-12');
    const back = await authorizeAtWise(authorizationUrl, { email: 'alice.new@bank.example', password: 'alice-chosen-password' });
    const complete = await gateway.graphql(COMPLETE_LINK, {
      customerId: 'cust-alice',
      variables: { state: back.searchParams.get('state'), code: back.searchParams.get('code'), profileId: back.searchParams.get('profileId') },
    });
    expect(complete.body.data.completeLink).toMatchObject({ __typename: 'LinkCompleted', onboardingStatus: { state: 'PENDING_VERIFICATION' } });
    const stored = await linkOf('cust-alice');
    expect(stored.registrationCode).toBeNull();
    expect((await simulatorOf(gateway).userByEmail('alice.new@bank.example')).reclaimed).toBe(true);
  });
});

describe("edge cases from Wise's guides", () => {
  beforeEach(async () => {
    gateway = await startTestGateway({ ONBOARDING_MODEL: 'partner_kyc' });
  });

  const linkBob = async () => {
    const { result } = await linkThroughWise(gateway, 'cust-bob', BOB_AT_WISE);
    expect(result.__typename).toBe('LinkCompleted');
    return (await simulatorOf(gateway).userByEmail(BOB_AT_WISE.email)).id as number;
  };
  const createAlice = async () => {
    const { body } = await gateway.graphql(CREATE_WISE_ACCOUNT, { customerId: 'cust-alice' });
    expect(body.data.createWiseAccount.__typename).toBe('WiseAccountCreated');
    const user = await simulatorOf(gateway).userByEmail('alice.new@bank.example');
    await simulatorOf(gateway).control(`/profiles/${user.profiles[0].id}/verification`, { verified: true });
    return user.id as number;
  };

  it('email changed at Wise: every token revoked, so RELINK_REQUIRED (EMAIL_CHANGED)', async () => {
    const userId = await linkBob();
    await simulatorOf(gateway).control(`/users/${userId}/change-email`, { email: 'bob.new@elsewhere.example' });
    expect(await status('cust-bob', true)).toMatchObject({ state: 'RELINK_REQUIRED', relinkReason: 'EMAIL_CHANGED', nextAction: 'RELINK_WISE_ACCOUNT' });
  });

  it('email changed at the bank: tokens are regenerated with the sign-up email, still READY', async () => {
    const userId = await createAlice();
    await sql(gateway.databaseUrl, "update bank_customer set email = 'alice.moved@bank.example' where id = 'cust-alice'");
    const wise = simulatorOf(gateway);
    await wise.control(`/users/${userId}/revoke-access`);
    await wise.clearCalls();
    expect(await status('cust-alice', true)).toMatchObject({ state: 'READY' });
    expect((await wise.calls('/oauth/token')).map((c) => [c.grant, c.status])).toEqual([
      ['refresh_token', 401],
      ['registration_code', 200],
    ]);
  });

  it('token expiry: an expired access token is refreshed and the customer stays READY', async () => {
    const userId = await linkBob();
    const wise = simulatorOf(gateway);
    await wise.control(`/users/${userId}/expire-tokens`);
    await wise.clearCalls();
    expect(await status('cust-bob', true)).toMatchObject({ state: 'READY' });
    expect((await wise.calls('/oauth/token')).map((c) => c.grant)).toEqual(['refresh_token']);
  });

  it('token expiry: an expired refresh token needs the customer again (REFRESH_TOKEN_EXPIRED)', async () => {
    await linkBob();
    await sql(gateway.databaseUrl, "update wise_link set access_token_expires_at = now() - interval '1 minute', refresh_token_expires_at = now() - interval '1 minute' where customer_id = 'cust-bob'");
    expect(await status('cust-bob', true)).toMatchObject({ state: 'RELINK_REQUIRED', relinkReason: 'REFRESH_TOKEN_EXPIRED' });
  });

  it('access revoked by the person at Wise: RELINK_REQUIRED (ACCESS_REVOKED)', async () => {
    const userId = await linkBob();
    await simulatorOf(gateway).control(`/users/${userId}/revoke-access`);
    expect(await status('cust-bob', true)).toMatchObject({ state: 'RELINK_REQUIRED', relinkReason: 'ACCESS_REVOKED' });
    // Relinking puts it right.
    const { result } = await linkThroughWise(gateway, 'cust-bob', BOB_AT_WISE);
    expect(result).toMatchObject({ __typename: 'LinkCompleted', onboardingStatus: { state: 'READY' } });
  });

  it('account reclaimed by the person: the registration code fails too, RELINK_REQUIRED (ACCOUNT_RECLAIMED)', async () => {
    const userId = await createAlice();
    await simulatorOf(gateway).control(`/users/${userId}/reclaim`);
    expect(await status('cust-alice', true)).toMatchObject({ state: 'RELINK_REQUIRED', relinkReason: 'ACCOUNT_RECLAIMED' });
    const again = await gateway.graphql(CREATE_WISE_ACCOUNT, { customerId: 'cust-alice' });
    expect(again.body.data.createWiseAccount).toMatchObject({ __typename: 'LinkRequired', reason: 'ACCOUNT_RECLAIMED' });
  });

  it('replayed state: the second completeLink with the same state is refused', async () => {
    const { back } = await linkThroughWise(gateway, 'cust-bob', BOB_AT_WISE);
    const replay = await gateway.graphql(COMPLETE_LINK, { customerId: 'cust-bob', variables: { state: back.searchParams.get('state'), code: back.searchParams.get('code') } });
    expect(replay.body.data.completeLink).toMatchObject({ __typename: 'LinkRejected', reason: 'STATE_ALREADY_USED' });
    expect(await status('cust-bob')).toMatchObject({ state: 'READY' });
  });

  it('reused code: a used authorization code is refused by Wise, and the link is not replaced', async () => {
    const { back } = await linkThroughWise(gateway, 'cust-bob', BOB_AT_WISE);
    const fresh = await gateway.graphql(LINK_ACCOUNT, { customerId: 'cust-bob' });
    expect(fresh.body.data.linkAccount.__typename).toBe('AlreadyLinked');
    await gateway.graphql('mutation { unlinkAccount { unlinked } }', { customerId: 'cust-bob' });
    const state = new URL((await gateway.graphql(LINK_ACCOUNT, { customerId: 'cust-bob' })).body.data.linkAccount.authorizationUrl).searchParams.get('state');
    const reuse = await gateway.graphql(COMPLETE_LINK, { customerId: 'cust-bob', variables: { state, code: back.searchParams.get('code') } });
    expect(reuse.body.data.completeLink).toMatchObject({ __typename: 'LinkRejected', reason: 'CODE_REJECTED' });
    expect(await status('cust-bob')).toMatchObject({ state: 'NOT_LINKED' });
  });

  it("refuses a state started by another customer, an unknown one, an expired one, and Wise's error callback", async () => {
    const aliceUrl = (await gateway.graphql(LINK_ACCOUNT, { customerId: 'cust-alice' })).body.data.linkAccount.authorizationUrl;
    const aliceState = new URL(aliceUrl).searchParams.get('state');
    const stolen = await gateway.graphql(COMPLETE_LINK, { customerId: 'cust-bob', variables: { state: aliceState, code: 'x' } });
    expect(stolen.body.data.completeLink.reason).toBe('STATE_OF_ANOTHER_CUSTOMER');
    const unknown = await gateway.graphql(COMPLETE_LINK, { customerId: 'cust-alice', variables: { state: 'made-up', code: 'x' } });
    expect(unknown.body.data.completeLink.reason).toBe('INVALID_STATE');
    const denied = await gateway.graphql(COMPLETE_LINK, { customerId: 'cust-alice', variables: { state: aliceState, error: 'access_denied' } });
    expect(denied.body.data.completeLink.reason).toBe('AUTHORIZATION_DENIED');

    const second = new URL((await gateway.graphql(LINK_ACCOUNT, { customerId: 'cust-alice' })).body.data.linkAccount.authorizationUrl).searchParams.get('state');
    await sql(gateway.databaseUrl, "update oauth_state set expires_at = now() - interval '1 second' where used_at is null");
    const expired = await gateway.graphql(COMPLETE_LINK, { customerId: 'cust-alice', variables: { state: second, code: 'x' } });
    expect(expired.body.data.completeLink.reason).toBe('STATE_EXPIRED');
  });

  it('date of birth mismatch: tokens discarded, IDENTITY_MISMATCH', async () => {
    const wise = simulatorOf(gateway);
    await wise.control('/users', {
      email: 'someone.else@wise.example',
      password: 'someone-else-pw',
      profile: { firstName: 'Carol', lastName: 'Stateside', dateOfBirth: '1979-01-06', country: 'US' },
    });
    const { result } = await linkThroughWise(gateway, 'cust-carol', { email: 'someone.else@wise.example', password: 'someone-else-pw' });
    expect(result).toMatchObject({ __typename: 'LinkRejected', reason: 'IDENTITY_MISMATCH' });
    expect(await status('cust-carol')).toMatchObject({ state: 'IDENTITY_MISMATCH', nextAction: 'LINK_WISE_ACCOUNT' });
    const [row] = await sql<{ access_token: string | null; refresh_token: string | null }>(gateway.databaseUrl, "select access_token, refresh_token from wise_link where customer_id = 'cust-carol'");
    expect(row).toEqual({ access_token: null, refresh_token: null });
  });

  it('account without a profile: refused, nothing stored, still NOT_LINKED', async () => {
    await simulatorOf(gateway).control('/users', { email: 'empty@wise.example', password: 'empty-password' });
    const { result } = await linkThroughWise(gateway, 'cust-carol', { email: 'empty@wise.example', password: 'empty-password' });
    expect(result).toMatchObject({ __typename: 'LinkRejected', reason: 'NO_PROFILE' });
    expect(await status('cust-carol')).toMatchObject({ state: 'NOT_LINKED' });
  });
});

describe('tokens under load and at rest', () => {
  beforeEach(async () => {
    gateway = await startTestGateway({ ONBOARDING_MODEL: 'partner_kyc' });
  });

  it('50 concurrent requests with an expired access token cause exactly one refresh at Wise', async () => {
    await gateway.graphql(CREATE_WISE_ACCOUNT, { customerId: 'cust-alice' });
    await sql(gateway.databaseUrl, "update wise_link set access_token_expires_at = now() - interval '1 minute' where customer_id = 'cust-alice'");
    const wise = simulatorOf(gateway);
    await wise.clearCalls();
    const results = await Promise.all(Array.from({ length: 50 }, () => status('cust-alice', true)));
    expect(results.every((r) => r.state === 'PENDING_VERIFICATION')).toBe(true);
    expect((await wise.calls('/oauth/token')).filter((c) => c.grant === 'refresh_token')).toHaveLength(1);
  });

  it('keeps no token, refresh token or registration code in plain text anywhere in the database', async () => {
    await gateway.graphql(CREATE_WISE_ACCOUNT, { customerId: 'cust-alice' });
    await linkThroughWise(gateway, 'cust-bob', BOB_AT_WISE);
    const secrets: string[] = [];
    for (const customerId of ['cust-alice', 'cust-bob']) {
      const link = await linkOf(customerId);
      for (const field of ['accessToken', 'refreshToken', 'registrationCode'] as const) {
        const value = gateway.tokens.open(link, field);
        if (value) secrets.push(value);
      }
    }
    expect(secrets).toHaveLength(5);
    // Every row of every table, as text: a logical dump of the data.
    const tables = await sql<{ tablename: string }>(gateway.databaseUrl, "select tablename from pg_tables where schemaname = 'public'");
    let dump = '';
    for (const { tablename } of tables) dump += JSON.stringify(await sql(gateway.databaseUrl, `select * from "${tablename}"`));
    for (const secret of secrets) expect(dump).not.toContain(secret);
    expect(dump).toContain('v1.dev.');
  });

  it('audits every call to Wise without any secret in it', async () => {
    await gateway.graphql(CREATE_WISE_ACCOUNT, { customerId: 'cust-alice' });
    // The audit is written in batches off the request path: wait for the batch.
    const read = () => sql<{ method: string; path: string; status: number; customer_id: string | null }>(gateway.databaseUrl, 'select method, path, status, customer_id from wise_call order by id');
    // Start-up's own calls (webhook subscriptions) are there already, so wait for these ones.
    const expected = ['POST /oauth/token (client_credentials) 200', 'POST /v1/user/signup/registration_code 200', 'POST /oauth/token (registration_code) 200', 'POST /v2/profiles/personal-profile 200'];
    await expect.poll(async () => (await read()).map((r) => `${r.method} ${r.path} ${r.status}`), { timeout: 3000 }).toEqual(expect.arrayContaining(expected));
    const rows = await read();
    expect(rows.find((r) => r.path === '/v2/profiles/personal-profile')?.customer_id).toBe('cust-alice');
    const link = await linkOf('cust-alice');
    expect(JSON.stringify(rows)).not.toContain(gateway.tokens.open(link, 'accessToken'));
  });
});
