import { createUnionType, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { DecimalScalar } from '../scalars.js';
import { MoneyType, PageInfoType, QuoteType, RecipientType } from './money.js';
import { FieldErrorType } from './onboarding.js';

export enum TransferStatusEnum {
  INCOMING_PAYMENT_WAITING = 'incoming_payment_waiting',
  INCOMING_PAYMENT_INITIATED = 'incoming_payment_initiated',
  WAITING_RECIPIENT_INPUT_TO_PROCEED = 'waiting_recipient_input_to_proceed',
  PROCESSING = 'processing',
  FUNDS_CONVERTED = 'funds_converted',
  OUTGOING_PAYMENT_SENT = 'outgoing_payment_sent',
  CANCELLED = 'cancelled',
  FUNDS_REFUNDED = 'funds_refunded',
  BOUNCED_BACK = 'bounced_back',
  CHARGED_BACK = 'charged_back',
  UNKNOWN = 'unknown',
}
registerEnumType(TransferStatusEnum, {
  name: 'TransferStatus',
  description: "Wise's transfer states. A state Wise adds later arrives as UNKNOWN, with the raw value in wiseStatus.",
  valuesConfig: {
    INCOMING_PAYMENT_WAITING: { description: 'Created; waiting for funding.' },
    INCOMING_PAYMENT_INITIATED: { description: 'Funding started; the money is not at Wise yet.' },
    WAITING_RECIPIENT_INPUT_TO_PROCEED: { description: 'Email recipients: waiting for their bank details.' },
    PROCESSING: { description: 'Wise has the money and is checking the transfer.' },
    FUNDS_CONVERTED: { description: 'Checks passed; the money is converted.' },
    OUTGOING_PAYMENT_SENT: { description: 'Paid out (normally final).' },
    CANCELLED: { description: 'Cancelled; funded money is returned.' },
    FUNDS_REFUNDED: { description: 'The money went back to the sender.' },
    BOUNCED_BACK: { description: "The recipient's bank returned the payout; Wise holds the money and will re-send it or refund it (FUNDS_REFUNDED)." },
    CHARGED_BACK: { description: 'The payer reclaimed the money.' },
    UNKNOWN: { description: 'Wise lacks information to finish, or a state this gateway does not know yet.' },
  },
});

export enum FundingStateEnum {
  NOT_FUNDED = 'NOT_FUNDED',
  DEBITED = 'DEBITED',
  FUNDED = 'FUNDED',
  REJECTED = 'REJECTED',
}
registerEnumType(FundingStateEnum, {
  name: 'FundingState',
  valuesConfig: {
    NOT_FUNDED: { description: 'Not paid for yet.' },
    DEBITED: { description: 'The bank debited the customer; funding at Wise is in progress (fundTransfer again finishes it).' },
    FUNDED: { description: 'Funded at Wise from the balance.' },
    REJECTED: { description: 'Wise refused the last funding; the customer was credited back.' },
  },
});

@ObjectType('TransferStateChange', { simpleResolvers: true, description: 'A state the transfer was in, and since when.' })
export class TransferStateChangeType {
  @Field(() => TransferStatusEnum)
  status!: TransferStatusEnum;

  @Field(() => String)
  wiseStatus!: string;

  @Field(() => Date)
  occurredAt!: Date;
}

@ObjectType('Transfer', { simpleResolvers: true })
export class TransferType {
  @Field(() => ID, { description: "The gateway's id." })
  id!: string;

  @Field(() => ID, { nullable: true, description: "Wise's transfer id." })
  wiseTransferId!: string | null;

  @Field(() => TransferStatusEnum)
  status!: TransferStatusEnum;

  @Field(() => String, { description: "Wise's state as Wise wrote it." })
  wiseStatus!: string;

  @Field(() => String, { description: "Wise's recommended wording for customers, e.g. \"On its way to Wise\"." })
  statusLabel!: string;

  @Field(() => FundingStateEnum)
  funding!: FundingStateEnum;

  @Field(() => Boolean, { description: 'The money came back to the bank customer (refunded, or cancelled after the debit).' })
  refunded!: boolean;

  @Field(() => MoneyType)
  sourceAmount!: MoneyType;

  @Field(() => MoneyType)
  targetAmount!: MoneyType;

  @Field(() => DecimalScalar)
  rate!: string;

  @Field(() => MoneyType)
  fee!: MoneyType;

  @Field(() => String)
  reference!: string;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;

  // Attached when the transfer is read (a page joins them in; see transfers.resolver.ts).
  @Field(() => QuoteType, { nullable: true })
  quote!: QuoteType | null;

  @Field(() => RecipientType, { nullable: true })
  recipient!: RecipientType | null;

  // Loaded only when asked for, batched per page.
  @Field(() => [TransferStateChangeType])
  history?: TransferStateChangeType[];
}

@ObjectType('TransferStatusChange', {
  description:
    "One state a transfer moved to, as Wise reported it: every state once, in Wise's order. `sequence` numbers the customer's events; pass the last one you received as `after` when you subscribe again to get what you missed, then the live stream.",
})
export class TransferStatusChangeType {
  @Field(() => String, { description: "This event's place in the customer's sequence (increasing; resume after it with `after`)." })
  sequence!: string;

  @Field(() => ID)
  transferId!: string;

  @Field(() => TransferStatusEnum, { description: 'The state the transfer moved to.' })
  status!: TransferStatusEnum;

  @Field(() => String)
  wiseStatus!: string;

  @Field(() => String)
  statusLabel!: string;

  @Field(() => Date, { description: 'When Wise says it happened.' })
  occurredAt!: Date;

  @Field(() => TransferType, { description: 'The transfer as stored when this event is sent (its status may already be a later one).' })
  transfer!: TransferType;
}

@ObjectType('TransferEdge', { simpleResolvers: true })
export class TransferEdgeType {
  @Field(() => String)
  cursor!: string;

  @Field(() => TransferType)
  node!: TransferType;
}

@ObjectType('TransferConnection', { simpleResolvers: true })
export class TransferConnectionType {
  @Field(() => [TransferEdgeType])
  edges!: TransferEdgeType[];

  @Field(() => PageInfoType)
  pageInfo!: PageInfoType;
}

@ObjectType('TransferCreated')
export class TransferCreated {
  @Field(() => TransferType)
  transfer!: TransferType;
}

@ObjectType('VerificationRequired', { description: 'The verification gate says no: Wise has not verified the profile (for this amount).' })
export class VerificationRequired {
  @Field(() => String)
  message!: string;

  @Field(() => MoneyType, { description: 'What Wise still allows while unverified.' })
  maximumEntitledAmount!: MoneyType;
}

export enum QuoteNotUsableReasonEnum {
  EXPIRED = 'EXPIRED',
  ALREADY_USED = 'ALREADY_USED',
}
registerEnumType(QuoteNotUsableReasonEnum, { name: 'QuoteNotUsableReason' });

@ObjectType('QuoteNotUsable', { description: 'Requote and try again with the new quote.' })
export class QuoteNotUsable {
  @Field(() => ID)
  quoteId!: string;

  @Field(() => QuoteNotUsableReasonEnum)
  reason!: QuoteNotUsableReasonEnum;
}

@ObjectType('InsufficientFunds', { description: "The customer's bank account does not cover the transfer." })
export class InsufficientFunds {
  @Field(() => MoneyType, { nullable: true, description: 'null: no account in this currency.' })
  available!: MoneyType | null;

  @Field(() => MoneyType)
  required!: MoneyType;
}

@ObjectType('TransferInvalid', { description: 'Details to correct, keyed by the transfer requirements\' keys (or quoteId / recipientId).' })
export class TransferInvalid {
  @Field(() => [FieldErrorType])
  fieldErrors!: FieldErrorType[];
}

@ObjectType('IdempotencyKeyReused', { description: 'This idempotency key was already used for a different transfer.' })
export class IdempotencyKeyReused {
  @Field(() => String)
  message!: string;
}

export const CreateTransferResult = createUnionType({
  name: 'CreateTransferResult',
  types: () => [TransferCreated, VerificationRequired, QuoteNotUsable, InsufficientFunds, TransferInvalid, IdempotencyKeyReused] as const,
});

@ObjectType('TransferFunded')
export class TransferFunded {
  @Field(() => TransferType)
  transfer!: TransferType;
}

@ObjectType('ScaRequired', {
  description: "Wise asks for strong customer authentication. Have the customer approve in the bank's app, then call fundTransfer again with this oneTimeToken; the customer's money is where it was until then.",
})
export class ScaRequired {
  @Field(() => TransferType)
  transfer!: TransferType;

  @Field(() => String)
  oneTimeToken!: string;
}

@ObjectType('FundingRejected', { description: "Wise did not fund the transfer; the customer's money is back where it was." })
export class FundingRejected {
  @Field(() => TransferType)
  transfer!: TransferType;

  @Field(() => String, { description: "Wise's code, e.g. transfer.insufficient_funds." })
  reason!: string;

  @Field(() => String)
  message!: string;
}

export const FundTransferResult = createUnionType({
  name: 'FundTransferResult',
  types: () => [TransferFunded, ScaRequired, FundingRejected, InsufficientFunds] as const,
});

@ObjectType('TransferCancelled')
export class TransferCancelled {
  @Field(() => TransferType)
  transfer!: TransferType;
}

@ObjectType('TransferNotCancellable')
export class TransferNotCancellable {
  @Field(() => TransferType)
  transfer!: TransferType;

  @Field(() => String)
  message!: string;
}

export const CancelTransferResult = createUnionType({
  name: 'CancelTransferResult',
  types: () => [TransferCancelled, TransferNotCancellable] as const,
});
