/**
 * Quotes, the recipient form and recipients through GraphQL, as a bank frontend would use
 * them, against the simulator over HTTP and real Postgres.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from './support/database.js';
import { localId } from './support/ids.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { CREATE_WISE_ACCOUNT, simulatorOf } from './support/wise.js';

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway({ ONBOARDING_MODEL: 'partner_kyc' });
  const { body } = await gateway.graphql(CREATE_WISE_ACCOUNT, { customerId: 'cust-alice' });
  expect(body.data.createWiseAccount.__typename).toBe('WiseAccountCreated');
});
afterAll(() => gateway?.stop());

 
const gql = async (query: string, variables: Record<string, unknown> = {}, customerId = 'cust-alice'): Promise<any> => (await gateway.graphql(query, { customerId, variables })).body;

const CREATE_QUOTE = `mutation Q($input: CreateQuoteInput!) { createQuote(input: $input) {
  __typename
  ... on QuoteCreated { quote {
    id status expired providedAmountType rate expiresAt createdAt
    sourceAmount { amount currency } targetAmount { amount currency } fee { amount currency }
    paymentOptions { payIn payOut fee { amount currency } }
  } }
  ... on QuoteInvalid { code message field fieldErrors { path code } }
} }`;
const QUOTE = `query Q($id: ID!) { quote(id: $id) { id status expired sourceAmount { amount currency } targetAmount { amount currency } } }`;
const FORM = `query F($quoteId: ID, $currency: CurrencyCode, $type: String, $values: [FieldValueInput!]) {
  recipientForm(quoteId: $quoteId, currency: $currency, type: $type, values: $values) {
    currency quoteId
    options { type title groups { label keys } fields { key label control required pattern minLength maxLength refreshOnChange group example allowedValues { value label } } }
  }
}`;
const CREATE_RECIPIENT = `mutation R($input: CreateRecipientInput!) { createRecipient(input: $input) {
  __typename
  ... on RecipientCreated { recipient { id currency type accountHolderName accountSummary active } }
  ... on RecipientInvalid { fieldErrors { path code message } }
} }`;

async function quoteTo(target: string, amount = '500') {
  const body = await gql(CREATE_QUOTE, { input: { sourceCurrency: 'GBP', targetCurrency: target, sourceAmount: amount } });
  expect(body.errors).toBeUndefined();
  return body.data.createQuote.quote;
}

type Field = { key: string; control: string; required: boolean; refreshOnChange: boolean; allowedValues: { value: string }[] | null; group: string };
type Option = { type: string; fields: Field[]; groups: { label: string; keys: string[] }[] };

/**
 * What a frontend does: render the chosen option, fill what it knows, and whenever a filled
 * field says refreshOnChange, ask for the refreshed form — until no new field appears.
 */
async function walkForm(quoteId: string, type: string, answers: Record<string, string>) {
  const values: { key: string; value: string }[] = [];
  const formHistory: Option[] = [];
  let option: Option = (await gql(FORM, { quoteId })).data.recipientForm.options.find((o: Option) => o.type === type);
  formHistory.push(option);
  for (let round = 0; round < 6; round++) {
    let mustRefresh = false;
    for (const field of option.fields) {
      if (field.key === 'accountHolderName' || values.some((v) => v.key === field.key) || answers[field.key] === undefined) continue;
      values.push({ key: field.key, value: answers[field.key] });
      mustRefresh ||= field.refreshOnChange;
    }
    if (!mustRefresh) break;
    const refreshed = await gql(FORM, { quoteId, type, values });
    option = refreshed.data.recipientForm.options.find((o: Option) => o.type === type);
    formHistory.push(option);
  }
  const missing = option.fields.filter((f) => f.required && f.key !== 'accountHolderName' && !values.some((v) => v.key === f.key));
  expect(missing.map((f) => f.key)).toEqual([]);
  return { values, option, formHistory };
}

const keys = (option: Option) => option.fields.map((f) => f.key);

describe('the recipient form, walked for each currency, ends with a stored recipient', () => {
  const cases: { currency: string; type: string; holder: string; answers: Record<string, string>; check?: (walk: Awaited<ReturnType<typeof walkForm>>) => void }[] = [
    { currency: 'GBP', type: 'sort_code', holder: 'Ann Johnson', answers: { legalType: 'PRIVATE', sortCode: '231470', accountNumber: '28821822' } },
    { currency: 'EUR', type: 'iban', holder: 'Max Mustermann', answers: { legalType: 'PRIVATE', IBAN: 'DE89370400440532013000' } },
    {
      currency: 'USD',
      type: 'aba',
      holder: 'John Smith',
      answers: { legalType: 'PRIVATE', abartn: '111000025', accountNumber: '12345678', accountType: 'CHECKING', 'address.country': 'US', 'address.state': 'AZ', 'address.city': 'Phoenix', 'address.firstLine': '45 Sunflower Ave', 'address.postCode': '85001' },
      check: ({ formHistory }) => {
        // Choosing the United States makes the form ask for a state.
        expect(keys(formHistory[0])).not.toContain('address.state');
        expect(keys(formHistory.at(-1)!)).toContain('address.state');
        const state = formHistory.at(-1)!.fields.find((f) => f.key === 'address.state')!;
        expect(state.control).toBe('SELECT');
        expect(state.allowedValues!.map((v) => v.value)).toContain('AZ');
      },
    },
    {
      currency: 'CAD',
      type: 'canadian',
      holder: 'Lee Tremblay',
      answers: { legalType: 'PRIVATE', institutionNumber: '006', transitNumber: '04841', accountNumber: '3456712', accountType: 'CHECKING' },
      check: ({ option }) => {
        // Institution, transit and account number are one group: rendered together.
        expect(option.groups.find((g) => g.keys.length > 1)?.keys).toEqual(['institutionNumber', 'transitNumber', 'accountNumber']);
        expect(option.fields.find((f) => f.key === 'accountType')!.control).toBe('RADIO');
      },
    },
    {
      currency: 'JPY',
      type: 'japanese',
      holder: 'Taro Yamada',
      answers: { legalType: 'PRIVATE', bankCode: '0005', branchCode: '100', accountType: 'CURRENT', accountNumber: '1234567' },
      check: ({ formHistory }) => {
        // The branch list exists only once a bank is chosen.
        const branch = (o: Option) => o.fields.find((f) => f.key === 'branchCode')!;
        expect(branch(formHistory[0]).allowedValues).toBeNull();
        expect(branch(formHistory.at(-1)!).allowedValues!.map((v) => v.value)).toEqual(['001', '100', '250']);
      },
    },
    {
      currency: 'KRW',
      type: 'south_korean_paygate',
      holder: 'Kim Minsu',
      answers: { email: 'kim@example.com', legalType: 'PRIVATE', dateOfBirth: '1988-02-01', bankCode: 'BUSAN_032', accountNumber: '1254693521232' },
      check: ({ option }) => expect(option.fields.find((f) => f.key === 'dateOfBirth')!.control).toBe('DATE'),
    },
    {
      currency: 'INR',
      type: 'indian',
      holder: 'Priya Sharma',
      answers: { legalType: 'PRIVATE', ifscCode: 'YESB0236041', accountNumber: '678911234567891', 'address.country': 'IN', 'address.city': 'Mumbai', 'address.firstLine': '12 Marine Drive', 'address.postCode': '400002' },
    },
    { currency: 'AUD', type: 'australian', holder: 'Sam Citizen', answers: { legalType: 'PRIVATE', bsbCode: '023604', accountNumber: '123456789' } },
  ];

  it.each(cases)('$currency ($type)', async ({ currency, type, holder, answers, check }) => {
    const quote = await quoteTo(currency);
    const walk = await walkForm(quote.id, type, answers);
    check?.(walk);
    const { data, errors } = await gql(CREATE_RECIPIENT, { input: { quoteId: quote.id, type, accountHolderName: holder, values: walk.values } });
    expect(errors).toBeUndefined();
    expect(data.createRecipient).toMatchObject({ __typename: 'RecipientCreated', recipient: { currency, type, accountHolderName: holder, active: true } });
    const id = Number(localId(data.createRecipient.recipient.id));
    const [local] = await sql<{ currency: string; type: string }>(gateway.databaseUrl, 'select currency, type from recipient where id = $1', [id]);
    expect(local).toEqual({ currency, type });
    expect(gateway.simulator!.core.state.recipients[id]).toMatchObject({ currency, type, accountHolderName: holder, active: true });
  });
});

describe('a recipient for a currency, without a quote', () => {
  it("uses Wise's route form and creates the recipient", async () => {
    const form = (await gql(FORM, { currency: 'EUR' })).data.recipientForm;
    expect(form).toMatchObject({ currency: 'EUR', quoteId: null });
    expect(form.options.map((o: Option) => o.type)).toEqual(['iban', 'swift_code', 'email']);
    const { data } = await gql(CREATE_RECIPIENT, {
      input: { currency: 'EUR', type: 'iban', accountHolderName: 'Eva Route', values: [{ key: 'legalType', value: 'PRIVATE' }, { key: 'IBAN', value: 'DE89370400440532013000' }] },
    });
    expect(data.createRecipient).toMatchObject({ __typename: 'RecipientCreated', recipient: { currency: 'EUR', type: 'iban' } });
  });
});

describe("creating a recipient when Wise's answer goes missing", () => {
  const arm = (fault: object) => simulatorOf(gateway).control('/faults', fault);
  const eva = (holder: string, iban: string) => ({
    input: { currency: 'EUR', type: 'iban', accountHolderName: holder, values: [{ key: 'legalType', value: 'PRIVATE' }, { key: 'IBAN', value: iban }] },
  });
  const atWise = (holder: string) => Object.values(gateway.simulator!.core.state.recipients).filter((r) => r.accountHolderName === holder);

  it('Wise created it but the answer was lost: the recipient Wise holds is the one returned, and there is one', async () => {
    // The customer also has, at Wise, a recipient with the same holder and other details that
    // this gateway has not seen (made in Wise's app): it must not be taken for the lost one.
    const other = (await gql(CREATE_RECIPIENT, eva('Lena Lost', 'FR1420041010050500013M02606'))).data.createRecipient.recipient.id;
    await sql(gateway.databaseUrl, 'delete from recipient where id = $1', [localId(other)]);
    await arm({ method: 'POST', path: '/v1/accounts', kind: 'lose_response' });
    const { data, errors } = await gql(CREATE_RECIPIENT, eva('Lena Lost', 'DE89370400440532013000'));
    expect(errors).toBeUndefined();
    expect(data.createRecipient).toMatchObject({ __typename: 'RecipientCreated', recipient: { currency: 'EUR', type: 'iban', accountHolderName: 'Lena Lost' } });
    const ids = atWise('Lena Lost').map((r) => r.id);
    expect(ids).toHaveLength(2);
    expect(Number(localId(data.createRecipient.recipient.id))).toBe(Math.max(...ids));
    const [local] = await sql<{ id: string }>(gateway.databaseUrl, 'select id from recipient where id = $1', [Math.max(...ids)]);
    expect(local).toBeDefined();
  });

  it('Wise failed before creating it: a typed error, and nothing created or stored', async () => {
    // Only an unseen recipient with the same holder and other details exists at Wise.
    const other = (await gql(CREATE_RECIPIENT, eva('Nora None', 'FR1420041010050500013M02606'))).data.createRecipient.recipient.id;
    await sql(gateway.databaseUrl, 'delete from recipient where id = $1', [localId(other)]);
    const [{ count: before }] = await sql<{ count: string }>(gateway.databaseUrl, 'select count(*) from recipient');
    await arm({ method: 'POST', path: '/v1/accounts', kind: 'status', status: 503 });
    const { data, errors } = await gql(CREATE_RECIPIENT, eva('Nora None', 'DE89370400440532013000'));
    expect(data?.createRecipient ?? null).toBeNull();
    expect(errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(atWise('Nora None').map((r) => r.id)).toEqual([Number(localId(other))]);
    const [{ count: after }] = await sql<{ count: string }>(gateway.databaseUrl, 'select count(*) from recipient');
    expect(after).toBe(before);
  });
});

describe('invalid recipient input', () => {
  const attempt = async (currency: string, type: string, values: Record<string, string>, holder = 'Ann Johnson') => {
    const quote = await quoteTo(currency);
    const before = Object.keys(gateway.simulator!.core.state.recipients).length;
    const [{ count: localBefore }] = await sql<{ count: string }>(gateway.databaseUrl, 'select count(*) from recipient');
    const { data } = await gql(CREATE_RECIPIENT, { input: { quoteId: quote.id, type, accountHolderName: holder, values: Object.entries(values).map(([key, value]) => ({ key, value })) } });
    expect(data.createRecipient.__typename).toBe('RecipientInvalid');
    expect(Object.keys(gateway.simulator!.core.state.recipients)).toHaveLength(before);
    const [{ count: localAfter }] = await sql<{ count: string }>(gateway.databaseUrl, 'select count(*) from recipient');
    expect(localAfter).toBe(localBefore);
    return data.createRecipient.fieldErrors.map((e: { path: string; code: string }) => [e.path, e.code]);
  };

  it('text: pattern, length and required, keyed by the form keys', async () => {
    expect(await attempt('GBP', 'sort_code', { legalType: 'PRIVATE', sortCode: 'ab-cd-ef', accountNumber: '123' })).toEqual([
      ['sortCode', 'PATTERN'],
      ['accountNumber', 'TOO_SHORT'],
    ]);
    expect(await attempt('GBP', 'sort_code', { legalType: 'PRIVATE', sortCode: '231470' })).toEqual([['accountNumber', 'REQUIRED']]);
  });

  it('select and radio: a value that is not one of the choices', async () => {
    expect(await attempt('GBP', 'sort_code', { legalType: 'ALIEN', sortCode: '231470', accountNumber: '28821822' })).toEqual([['legalType', 'NOT_ALLOWED']]);
    const usd = { legalType: 'PRIVATE', abartn: '111000025', accountNumber: '12345678', accountType: 'MONEYBOX', 'address.country': 'GB', 'address.city': 'London', 'address.firstLine': '1 Road', 'address.postCode': 'N1' };
    expect(await attempt('USD', 'aba', usd, 'John Smith')).toEqual([['accountType', 'NOT_ALLOWED']]);
  });

  it('date: not a real date', async () => {
    const krw = { email: 'kim@example.com', legalType: 'PRIVATE', dateOfBirth: '1988-13-45', bankCode: 'BUSAN_032', accountNumber: '1254693521232' };
    expect(await attempt('KRW', 'south_korean_paygate', krw, 'Kim Minsu')).toEqual([['dateOfBirth', 'INVALID_DATE']]);
  });

  it("Wise's own validation maps back to the form's keys (unknown sort code, IBAN check digits)", async () => {
    const sort = await attempt('GBP', 'sort_code', { legalType: 'PRIVATE', sortCode: '99-99-99', accountNumber: '28821822' });
    expect(sort).toEqual([['sortCode', 'NOT_VALID']]);
    const iban = await attempt('EUR', 'iban', { legalType: 'PRIVATE', IBAN: 'DE00370400440532013000' }, 'Max Mustermann');
    expect(iban).toEqual([['IBAN', 'NOT_VALID']]);
  });

  it('a type the currency does not offer, and a field that is not on the form', async () => {
    expect(await attempt('GBP', 'aba', { legalType: 'PRIVATE' })).toEqual([['type', 'NOT_ALLOWED']]);
    expect(await attempt('GBP', 'sort_code', { legalType: 'PRIVATE', sortCode: '231470', accountNumber: '28821822', favouriteColour: 'blue' })).toEqual([['favouriteColour', 'UNKNOWN_FIELD']]);
  });
});

describe('quotes', () => {
  it('creates a quote with decimal-string money, and a target-amount quote', async () => {
    const quote = await quoteTo('EUR', '1000');
    expect(quote).toMatchObject({ status: 'PENDING', expired: false, providedAmountType: 'SOURCE', sourceAmount: { amount: '1000.00', currency: 'GBP' }, fee: { currency: 'GBP' } });
    expect(quote.targetAmount.amount).toMatch(/^\d+\.\d{2}$/);
    expect(Date.parse(quote.expiresAt) - Date.parse(quote.createdAt)).toBe(30 * 60_000);
    expect(quote.paymentOptions.map((o: { payIn: string }) => o.payIn)).toContain('BALANCE');
    const jpy = (await gql(CREATE_QUOTE, { input: { sourceCurrency: 'GBP', targetCurrency: 'JPY', targetAmount: '50000' } })).data.createQuote.quote;
    expect(jpy).toMatchObject({ providedAmountType: 'TARGET', targetAmount: { amount: '50000', currency: 'JPY' } });
  });

  it('refuses both amounts, none, too many decimals, a float, and an unknown currency', async () => {
    // What the customer can correct is a QuoteInvalid naming the input field, not an error.
    const refusal = async (input: Record<string, unknown>) => {
      const body = await gql(CREATE_QUOTE, { input });
      expect(body.errors).toBeUndefined();
      const { __typename, code, field } = body.data.createQuote;
      return [__typename, code, field];
    };
    expect(await refusal({ sourceCurrency: 'GBP', targetCurrency: 'EUR', sourceAmount: '10', targetAmount: '10' })).toEqual(['QuoteInvalid', 'INVALID_INPUT', 'input.targetAmount']);
    expect(await refusal({ sourceCurrency: 'GBP', targetCurrency: 'EUR' })).toEqual(['QuoteInvalid', 'INVALID_INPUT', 'input.sourceAmount']);
    expect(await refusal({ sourceCurrency: 'GBP', targetCurrency: 'JPY', targetAmount: '10.5' })).toEqual(['QuoteInvalid', 'INVALID_INPUT', 'input.targetAmount']);
    expect((await gql(CREATE_QUOTE, { input: { sourceCurrency: 'GBP', targetCurrency: 'EUR', sourceAmount: 10.5 } })).errors[0].message).toContain('Decimal');
    const unknown = await gql(CREATE_QUOTE, { input: { sourceCurrency: 'GBP', targetCurrency: 'ZZZ', sourceAmount: '10' } });
    expect(unknown.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fieldErrors: [{ path: 'targetCurrency', code: 'CurrencyCode' }] });
  });

  it('says when a quote has expired, and requotes it on the same terms', async () => {
    const quote = await quoteTo('EUR', '250');
    await sql(gateway.databaseUrl, "update quote set expires_at = now() - interval '1 second' where id = $1", [localId(quote.id)]);
    expect((await gql(QUOTE, { id: quote.id })).data.quote).toMatchObject({ status: 'EXPIRED', expired: true });
    const again = (await gql(`mutation R($id: ID!) { requote(input: { quoteId: $id }) { quote { id status sourceAmount { amount currency } } } }`, { id: quote.id })).data.requote.quote;
    expect(again).toMatchObject({ status: 'PENDING', sourceAmount: { amount: '250.00', currency: 'GBP' } });
    expect(again.id).not.toBe(quote.id);
  });

  it("is the customer's own: another customer gets null", async () => {
    const quote = await quoteTo('EUR');
    expect((await gql(QUOTE, { id: quote.id }, 'cust-bob')).data.quote).toBeNull();
    const form = await gql(FORM, { quoteId: quote.id }, 'cust-carol');
    expect(form.errors[0].extensions.code).toBe('NOT_LINKED');
  });
});

describe('cache first', () => {
  it('reads a quote, a form and the recipients a second time without calling Wise', async () => {
    const quote = await quoteTo('GBP');
    await gql(`{ recipients(first: 5) { edges { node { id } } } }`);
    const wise = simulatorOf(gateway);
    await gql(FORM, { quoteId: quote.id });
    await wise.clearCalls();
    await gql(QUOTE, { id: quote.id });
    await gql(QUOTE, { id: quote.id });
    await gql(FORM, { quoteId: quote.id });
    await gql(`{ recipients(first: 5) { edges { node { id } } } }`);
    await gql(`{ recipients(first: 5) { edges { node { id } } } }`);
    expect(await wise.calls()).toEqual([]);
  });

  it('pages through recipients with cursors, filters by currency, and leaves out deleted ones', async () => {
    const quote = await quoteTo('GBP');
    const make = async (accountNumber: string) =>
      (await gql(CREATE_RECIPIENT, { input: { quoteId: quote.id, type: 'sort_code', accountHolderName: 'Page Person', values: [{ key: 'legalType', value: 'PRIVATE' }, { key: 'sortCode', value: '231470' }, { key: 'accountNumber', value: accountNumber }] } })).data.createRecipient.recipient.id;
    const ids = [await make('10000001'), await make('10000002'), await make('10000003')];
    const page = `query P($after: String) { recipients(first: 2, after: $after, currency: "GBP") { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`;
    const all: string[] = [];
    let after: string | null = null;
    for (;;) {
      const { recipients }: { recipients: any } = (await gql(page, { after })).data;
      all.push(...recipients.edges.map((e: { node: { id: string } }) => e.node.id));
      if (!recipients.pageInfo.hasNextPage) break;
      after = recipients.pageInfo.endCursor;
    }
    expect(all).toEqual(expect.arrayContaining(ids));
    expect(new Set(all).size).toBe(all.length);

    const deleted = (await gql(`mutation D($id: ID!) { deleteRecipient(input: { recipientId: $id }) { recipient { id active } } }`, { id: ids[0] })).data.deleteRecipient.recipient;
    expect(deleted).toEqual({ id: ids[0], active: false });
    expect(gateway.simulator!.core.state.recipients[Number(localId(ids[0]))].active).toBe(false);
    const remaining = (await gql(`{ recipients(first: 100, currency: "GBP") { edges { node { id } } } }`)).data.recipients.edges.map((e: { node: { id: string } }) => e.node.id);
    expect(remaining).not.toContain(ids[0]);
    const eur = (await gql(`{ recipients(first: 100, currency: "EUR") { edges { node { currency } } } }`)).data.recipients.edges;
    expect(eur.every((e: { node: { currency: string } }) => e.node.currency === 'EUR')).toBe(true);
  });
});
