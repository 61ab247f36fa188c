/** What the gateway's codes mean to a customer, in words. */
import type { LinkRequiredReason, RelinkReason, TransferStatus } from './graphql/generated';

/** GET /oauth/callback's `reason` (schema.graphql, LinkRejectionReason). */
export type LinkRejectionReason =
  | 'AUTHORIZATION_DENIED'
  | 'CODE_REJECTED'
  | 'IDENTITY_MISMATCH'
  | 'INVALID_STATE'
  | 'NO_PROFILE'
  | 'PROFILE_NOT_GRANTED'
  | 'STATE_ALREADY_USED'
  | 'STATE_EXPIRED'
  | 'STATE_OF_ANOTHER_CUSTOMER';

export const RELINK_REASON: Record<RelinkReason, string> = {
  EMAIL_CHANGED: 'You changed the email address of your Wise account, so Wise asks you to log in again.',
  ACCESS_REVOKED: 'You removed our access from your Wise account settings.',
  ACCOUNT_RECLAIMED: 'You took over the Wise account we opened for you, so Wise needs your permission again.',
  REFRESH_TOKEN_EXPIRED: 'Our permission to use your Wise account ran out.',
};

export const LINK_REQUIRED_REASON: Record<LinkRequiredReason, string> = {
  EMAIL_ALREADY_AT_WISE: 'Your email address already has a Wise account. Log in to Wise to connect it.',
  BANK_USES_WISE_KYC: 'Log in or sign up at Wise to connect your account.',
  IDENTITY_MISMATCH: 'The Wise account connected last was not yours. Connect your own Wise account.',
  ...RELINK_REASON,
};

export const LINK_REJECTION: Record<LinkRejectionReason | 'UPSTREAM_UNAVAILABLE', string> = {
  AUTHORIZATION_DENIED: 'You chose not to connect your Wise account. You can try again at any time.',
  CODE_REJECTED: 'Wise did not accept the sign-in. Please try again.',
  IDENTITY_MISMATCH:
    'The Wise account you chose has a different date of birth from the one we hold for you, so we could not connect it. Log in with your own Wise account, or contact us if your date of birth is wrong.',
  INVALID_STATE: 'That link was not valid. Please start again.',
  NO_PROFILE:
    'That Wise account has no personal profile yet, so it cannot send money. Finish setting it up at Wise (or choose your profile when Wise asks), then connect again.',
  PROFILE_NOT_GRANTED: 'Wise did not share a profile with us. Connect again and choose your personal profile.',
  STATE_ALREADY_USED: 'That link was already used. Please start again.',
  STATE_EXPIRED: 'That link expired. Please start again.',
  STATE_OF_ANOTHER_CUSTOMER: 'That link was started by someone else. Please start again.',
  UPSTREAM_UNAVAILABLE: 'Wise did not answer. Please try again in a moment.',
};

export const STATUS_WORDS: Record<TransferStatus, string> = {
  INCOMING_PAYMENT_WAITING: 'Waiting for your payment',
  INCOMING_PAYMENT_INITIATED: 'Payment on its way to Wise',
  PROCESSING: 'Wise is processing it',
  FUNDS_CONVERTED: 'Money converted',
  OUTGOING_PAYMENT_SENT: 'Sent to the recipient',
  BOUNCED_BACK: "Returned by the recipient's bank",
  FUNDS_REFUNDED: 'Refunded to you',
  CANCELLED: 'Cancelled',
  CHARGED_BACK: 'Charged back',
  WAITING_RECIPIENT_INPUT_TO_PROCEED: "Waiting for the recipient's details",
  UNKNOWN: 'Being checked',
};

export const money = (m: { amount: string; currency: string }) => `${Number(m.amount).toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${m.currency}`;
export const when = (iso: string) => new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
