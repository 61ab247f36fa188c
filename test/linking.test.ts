/**
 * Linking at the edges: an authorization URL stops working once the customer has linked, a
 * callback that fails its checks never takes a working link away, createWiseAccount says why
 * the customer must go to Wise, and a business profile is sent to Wise as its OpenAPI wants.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { hashState } from '../src/services/oauth-states.js';
import { sql } from './support/database.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { authorizeAtWise, BOB_AT_WISE, COMPLETE_LINK, CREATE_WISE_ACCOUNT, LINK_ACCOUNT, linkThroughWise, ONBOARDING_STATUS, simulatorOf } from './support/wise.js';

let gateway: TestGateway;
afterEach(async () => {
  await gateway?.stop();
});

const status = async (customerId: string, refresh = false) => (await gateway.graphql(ONBOARDING_STATUS, { customerId, variables: { refresh } })).body.data.onboardingStatus;
const SOMEONE_ELSE = { email: 'someone.else@wise.example', password: 'someone-else-pw' };
const someoneElseAtWise = () =>
  simulatorOf(gateway).control('/users', { ...SOMEONE_ELSE, profile: { firstName: 'Someone', lastName: 'Else', dateOfBirth: '1970-01-01', country: 'GB' }, verified: true });

describe('authorization URLs', () => {
  it("stop working once the customer has linked: an old one completed with another person's login leaves the link as it was", async () => {
    gateway = await startTestGateway({ ONBOARDING_MODEL: 'wise_kyc' });
    await someoneElseAtWise();
    // Bob asks twice (a second tab, a retry); the first URL stays in his browser history.
    const old = (await gateway.graphql(LINK_ACCOUNT, { customerId: 'cust-bob' })).body.data.linkAccount.authorizationUrl;
    const { result } = await linkThroughWise(gateway, 'cust-bob', BOB_AT_WISE);
    expect(result.__typename).toBe('LinkCompleted');
    expect(await status('cust-bob')).toMatchObject({ state: 'READY' });

    // Later, someone completes the old URL with their own Wise login.
    const back = await authorizeAtWise(old, SOMEONE_ELSE);
    const late = (await gateway.graphql(COMPLETE_LINK, { customerId: 'cust-bob', variables: { state: back.searchParams.get('state'), code: back.searchParams.get('code'), profileId: back.searchParams.get('profileId') } })).body.data.completeLink;
    expect(late).toMatchObject({ __typename: 'LinkRejected', reason: 'STATE_ALREADY_USED' });
    expect(await status('cust-bob', true)).toMatchObject({ state: 'READY' });
    const quote = await gateway.graphql(`mutation { createQuote(input: { sourceCurrency: "GBP", targetCurrency: "EUR", sourceAmount: "10" }) { ... on QuoteCreated { quote { id } } ... on QuoteInvalid { code message field } } }`, { customerId: 'cust-bob' });
    expect(quote.body.errors).toBeUndefined();
  });

  it("whose checks fail (another person's date of birth) never take a working link away", async () => {
    gateway = await startTestGateway({ ONBOARDING_MODEL: 'wise_kyc' });
    await someoneElseAtWise();
    const { back: linked } = await linkThroughWise(gateway, 'cust-bob', BOB_AT_WISE);
    // A state of Bob's that is still open (however it survived), completed with another login.
    const state = randomBytes(32).toString('base64url');
    await sql(gateway.databaseUrl, "insert into oauth_state (state_hash, customer_id, expires_at) values ($1, 'cust-bob', now() + interval '10 minutes')", [hashState(state)]);
    const url = new URL(`${gateway.wise.authorizeUrl}`);
    url.searchParams.set('client_id', gateway.wise.clientId);
    url.searchParams.set('redirect_uri', `${linked.origin}${linked.pathname}`);
    url.searchParams.set('state', state);
    const back = await authorizeAtWise(url.toString(), SOMEONE_ELSE);
    const result = (await gateway.graphql(COMPLETE_LINK, { customerId: 'cust-bob', variables: { state, code: back.searchParams.get('code'), profileId: back.searchParams.get('profileId') } })).body.data.completeLink;
    expect(result).toMatchObject({ __typename: 'LinkRejected', reason: 'IDENTITY_MISMATCH' });
    expect(await status('cust-bob', true)).toMatchObject({ state: 'READY' });
  });
});

describe('createWiseAccount says why the customer must go to Wise', () => {
  it('with the relink reason onboardingStatus gives (EMAIL_CHANGED), not always ACCOUNT_RECLAIMED', async () => {
    gateway = await startTestGateway({ ONBOARDING_MODEL: 'partner_kyc' });
    expect((await gateway.graphql(CREATE_WISE_ACCOUNT, { customerId: 'cust-alice' })).body.data.createWiseAccount.__typename).toBe('WiseAccountCreated');
    await sql(gateway.databaseUrl, "update wise_link set status = 'RELINK_REQUIRED', relink_reason = 'EMAIL_CHANGED' where customer_id = 'cust-alice'");
    expect(await status('cust-alice')).toMatchObject({ state: 'RELINK_REQUIRED', relinkReason: 'EMAIL_CHANGED' });
    expect((await gateway.graphql(CREATE_WISE_ACCOUNT, { customerId: 'cust-alice' })).body.data.createWiseAccount).toMatchObject({ __typename: 'LinkRequired', reason: 'EMAIL_CHANGED' });
  });

  it('with IDENTITY_MISMATCH, not AlreadyLinked, when the last profile linked was not this person', async () => {
    gateway = await startTestGateway({ ONBOARDING_MODEL: 'partner_kyc' });
    await someoneElseAtWise();
    const { result } = await linkThroughWise(gateway, 'cust-carol', SOMEONE_ELSE);
    expect(result).toMatchObject({ __typename: 'LinkRejected', reason: 'IDENTITY_MISMATCH' });
    const again = (await gateway.graphql(CREATE_WISE_ACCOUNT, { customerId: 'cust-carol' })).body.data.createWiseAccount;
    expect(again).toMatchObject({ __typename: 'LinkRequired', reason: 'IDENTITY_MISMATCH' });
    expect(again.authorizationUrl).toContain('state=');
  });
});

describe('a business profile', () => {
  it('goes to Wise with no stateCode at all when the address has none (never null)', async () => {
    gateway = await startTestGateway({ ONBOARDING_MODEL: 'partner_kyc' });
    expect((await gateway.graphql(CREATE_WISE_ACCOUNT, { customerId: 'cust-alice' })).body.data.createWiseAccount.__typename).toBe('WiseAccountCreated');
    const sent: unknown[] = [];
    const request = gateway.wiseHttp.request.bind(gateway.wiseHttp);
    gateway.wiseHttp.request = (async (req: { path: string; json?: unknown }) => {
      if (req.path === '/v2/profiles/business-profile') sent.push(req.json);
      return request(req as Parameters<typeof request>[0]);
    });
    const created = await gateway.graphql(
      `mutation { createBusinessProfile(input: { idempotencyKey: "biz-1", businessName: "Alice Trading", registrationNumber: "GB123", companyType: "LIMITED", companyRole: "OWNER", address: { firstLine: "5 Quay", city: "London", postCode: "E1 6AN", country: "GB" } }) { __typename } }`,
      { customerId: 'cust-alice' },
    );
    expect(created.body.data.createBusinessProfile.__typename).toBe('ProfileCreated');
    expect(sent).toHaveLength(1);
    const address = (sent[0] as { address: Record<string, unknown> }).address;
    expect(address).toEqual({ addressFirstLine: '5 Quay', city: 'London', postCode: 'E1 6AN', countryIso3Code: 'gbr' });
    expect('stateCode' in address).toBe(false);
  });
});
