/**
 * The operations a bank frontend writes against contract v1: the journey from onboarding to a
 * paginated history. Used by the real-client tests (Apollo Client, urql Graphcache) and compiled
 * by graphql-codegen into typed documents (test/clients/codegen.test.ts).
 */
export const OPERATIONS = {
  OnboardingStatus: `query OnboardingStatus { onboardingStatus { id state nextAction profileId } }`,
  CreateWiseAccount: `mutation CreateWiseAccount {
    createWiseAccount {
      __typename
      ... on WiseAccountCreated { onboardingStatus { id state nextAction profileId } profile { id wiseProfileId fullName } }
      ... on UserError { code message field }
    }
  }`,
  OnboardingStatusChanged: `subscription OnboardingStatusChanged($after: String) { onboardingStatusChanged(after: $after) { id state nextAction sequence } }`,
  BankAccounts: `query BankAccounts { viewer { id bankCustomerId bankAccounts { id currency availableBalance { amount currency } } } }`,
  CreateQuote: `mutation CreateQuote($input: CreateQuoteInput!) {
    createQuote(input: $input) {
      __typename
      ... on QuoteCreated { quote { id status sourceAmount { amount currency } targetAmount { amount currency } rate expiresAt } }
      ... on UserError { code message field }
    }
  }`,
  RecipientForm: `query RecipientForm($quoteId: ID!, $type: String, $values: [FieldValueInput!]) {
    recipientForm(quoteId: $quoteId, type: $type, values: $values) {
      currency quoteId
      options { type title fields { key label control required refreshOnChange allowedValues { value label } } }
    }
  }`,
  CreateRecipient: `mutation CreateRecipient($input: CreateRecipientInput!) {
    createRecipient(input: $input) {
      __typename
      ... on RecipientCreated { recipient { id accountHolderName accountSummary currency } }
      ... on RecipientInvalid { code message field fieldErrors { path code message } }
    }
  }`,
  TransferForm: `query TransferForm($quoteId: ID!, $recipientId: ID!) { transferForm(quoteId: $quoteId, recipientId: $recipientId) { title fields { key required } } }`,
  CreateTransfer: `mutation CreateTransfer($input: CreateTransferInput!) {
    createTransfer(input: $input) {
      __typename
      ... on TransferCreated { transfer { id status funding statusLabel sourceAmount { amount currency } } }
      ... on UserError { code message field }
    }
  }`,
  Transfer: `query Transfer($id: ID!) { transfer(id: $id) { id status funding statusLabel } }`,
  FundTransfer: `mutation FundTransfer($input: FundTransferInput!) {
    fundTransfer(input: $input) {
      __typename
      ... on TransferFunded { transfer { id status funding statusLabel } }
      ... on UserError { code message field }
    }
  }`,
  TransferStatusChanged: `subscription TransferStatusChanged($after: String) { transferStatusChanged(after: $after) { sequence status transfer { id status funding statusLabel } } }`,
  History: `query History($first: Int!, $after: String) {
    transfers(first: $first, after: $after) {
      edges { cursor node { id status sourceAmount { amount currency } } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }`,
} as const;
