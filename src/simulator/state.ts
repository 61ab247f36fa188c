/**
 * Everything the simulated Wise knows. Plain data in maps, so it can be written to a JSON file
 * between restarts (`npm start` keeps links alive across restarts) and inspected by tests.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';

export type SimUser = {
  id: number;
  email: string;
  /** sha256 of the password the person uses on the authorization page; null until claimed. */
  passwordHash: string | null;
  active: boolean;
  createdAt: string;
  /** Partner-KYC users: who created them and the sha256 of their registration code. */
  createdByClientId: string | null;
  registrationCodeHash: string | null;
  /** The person took over the account (claimed or reclaimed it): registration code is dead. */
  reclaimed: boolean;
};

export type SimAddress = {
  id: number;
  addressFirstLine: string;
  city: string;
  countryIso2Code: string;
  countryIso3Code: string;
  postCode: string | null;
  stateCode: string | null;
};

export type SimProfile = {
  id: number;
  publicId: string;
  userId: number;
  type: 'PERSONAL' | 'BUSINESS';
  createdAt: string;
  updatedAt: string;
  verified: boolean;
  /** Cumulative amount an unverified profile may still move (verification check). */
  maximumEntitledAmount: number;
  scaRequired: boolean;
  address: SimAddress;
  email: string;
  phoneNumber: string;
  externalCustomerId: string | null;
  idempotenceUuid: string | null;
  /** The create request, echoed in the personal-profile create response. */
  createDetails: Record<string, unknown>;
  personal?: { firstName: string; lastName: string; preferredName: string | null; dateOfBirth: string };
  business?: {
    businessName: string;
    registrationNumber: string | null;
    companyType: string | null;
    companyRole: string | null;
    descriptionOfBusiness: string | null;
    businessFreeFormDescription: string | null;
    webpage: string | null;
    firstLevelCategory: string | null;
    secondLevelCategory: string | null;
  };
};

export type SimToken = {
  token: string;
  kind: 'client' | 'user';
  clientId: string;
  userId: number | null;
  /** The refresh token this access token was minted with (user tokens). */
  refreshToken: string | null;
  expiresAt: number;
  revoked: boolean;
};

export type SimRefreshToken = {
  token: string;
  clientId: string;
  userId: number;
  expiresAt: number;
  revoked: boolean;
  revokedBecause?: 'email_changed' | 'reclaimed' | 'revoked';
};

export type SimAuthCode = {
  code: string;
  clientId: string;
  redirectUri: string;
  userId: number;
  profileId: number | null;
  expiresAt: number;
  used: boolean;
};

export type SimClaimCode = { code: string; userId: number; expiresAt: number };

export type SimSubscription = {
  id: string;
  name: string;
  triggerOn: string;
  delivery: { version: string; url: string };
  scope: { domain: 'application' | 'profile'; id: string };
  createdBy: { type: 'application' | 'user'; id: string };
  createdAt: string;
};

export type SimQuote = {
  id: string;
  profileId: number;
  userId: number;
  sourceCurrency: string;
  targetCurrency: string;
  sourceAmount: number;
  targetAmount: number;
  providedAmountType: 'SOURCE' | 'TARGET';
  rate: number;
  fee: number;
  payOut: string;
  preferredPayIn: string | null;
  targetAccount: number | null;
  paymentMetadata: Record<string, unknown> | null;
  createdTime: string;
  expirationTime: string;
  status: 'PENDING' | 'ACCEPTED' | 'FUNDED' | 'EXPIRED';
};

export type SimRecipient = {
  id: number;
  userId: number;
  profileId: number;
  currency: string;
  type: string;
  accountHolderName: string;
  legalType: 'PRIVATE' | 'BUSINESS';
  ownedByCustomer: boolean;
  details: Record<string, unknown>;
  country: string | null;
  active: boolean;
  createdAt: string;
};

export type SimTransferHistory = { state: string; at: string };

export type SimTransfer = {
  id: number;
  userId: number;
  profileId: number;
  targetAccount: number;
  sourceAccount: number | null;
  quoteUuid: string;
  customerTransactionId: string;
  status: string;
  reference: string;
  details: Record<string, unknown>;
  rate: number;
  sourceCurrency: string;
  sourceValue: number;
  targetCurrency: string;
  targetValue: number;
  created: string;
  funded: boolean;
  balanceTransactionId: number | null;
  history: SimTransferHistory[];
};

export type SimBalance = { id: number; profileId: number; currency: string; amount: number; createdAt: string; updatedAt: string };

export type SimOneTimeToken = { token: string; userId: number; expiresAt: number; used: boolean };

export type State = {
  sequences: Record<'user' | 'profile' | 'address' | 'recipient' | 'transfer' | 'balance' | 'balanceTransaction', number>;
  users: Record<number, SimUser>;
  profiles: Record<number, SimProfile>;
  tokens: Record<string, SimToken>;
  refreshTokens: Record<string, SimRefreshToken>;
  authCodes: Record<string, SimAuthCode>;
  claimCodes: Record<string, SimClaimCode>;
  subscriptions: Record<string, SimSubscription>;
  quotes: Record<string, SimQuote>;
  recipients: Record<number, SimRecipient>;
  transfers: Record<number, SimTransfer>;
  balances: Record<number, SimBalance>;
  oneTimeTokens: Record<string, SimOneTimeToken>;
};

export function emptyState(): State {
  return {
    sequences: {
      user: 40500000,
      profile: 30100000,
      address: 51000000,
      recipient: 70060000,
      transfer: 51000000,
      balance: 110000,
      balanceTransaction: 5680000,
    },
    users: {},
    profiles: {},
    tokens: {},
    refreshTokens: {},
    authCodes: {},
    claimCodes: {},
    subscriptions: {},
    quotes: {},
    recipients: {},
    transfers: {},
    balances: {},
    oneTimeTokens: {},
  };
}

export function nextId(state: State, sequence: keyof State['sequences']): number {
  state.sequences[sequence] += 1;
  return state.sequences[sequence];
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** A person who signed up at "Wise" themselves (the authorization page, or a control's seed). */
export function addSelfRegisteredUser(state: State, email: string, password: string): SimUser {
  const user: SimUser = {
    id: nextId(state, 'user'),
    email,
    passwordHash: sha256(password),
    active: true,
    createdAt: new Date().toISOString(),
    createdByClientId: null,
    registrationCodeHash: null,
    reclaimed: false,
  };
  state.users[user.id] = user;
  return user;
}

/** Wise tokens are opaque UUID-like strings. */
export function opaqueToken(): string {
  return randomUUID();
}

export function randomCode(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

export function findUserByEmail(state: State, email: string): SimUser | undefined {
  const wanted = email.trim().toLowerCase();
  return Object.values(state.users).find((u) => u.email.toLowerCase() === wanted);
}

export function profilesOf(state: State, userId: number): SimProfile[] {
  return Object.values(state.profiles).filter((p) => p.userId === userId);
}

export function personalProfileOf(state: State, userId: number): SimProfile | undefined {
  return profilesOf(state, userId).find((p) => p.type === 'PERSONAL');
}
