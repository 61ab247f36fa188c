import { createUnionType, Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { stateInfo, TRANSFER_STATES, type TransferState } from '../domain/transfer-states.js';
import { FieldError, UserError } from './errors.js';
import { Money } from './money.js';
import { Quote } from './quotes.js';
import { FieldValueInput, FormField, FormGroup, Recipient } from './recipients.js';
import { Node, PageInfo } from './relay.js';
import { DecimalScalar } from './scalars.js';

/** The GraphQL enum is Wise's own list of states (src/domain/transfer-states.ts): NAME → wise_name. */
export const TransferStatusEnum = Object.fromEntries(TRANSFER_STATES.map((s) => [s.toUpperCase(), s])) as { [K in TransferState as Uppercase<K>]: K };
export type TransferStatusEnum = TransferState;

registerEnumType(TransferStatusEnum, {
  name: 'TransferStatus',
  description: "Wise's transfer states. A state Wise adds later arrives as UNKNOWN, with the raw value in wiseStatus.",
  valuesConfig: Object.fromEntries(TRANSFER_STATES.map((s) => [s.toUpperCase(), { description: stateInfo(s).description }])),
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
export class TransferStateChange {
  @Field(() => TransferStatusEnum)
  status!: TransferStatusEnum;

  @Field(() => String)
  wiseStatus!: string;

  @Field(() => Date)
  occurredAt!: Date;
}

@ObjectType('Transfer', { implements: Node, simpleResolvers: true, description: 'A transfer, from the gateway\'s copy (kept current by webhooks and a sweep).' })
export class Transfer extends Node {

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

  @Field(() => Money)
  sourceAmount!: Money;

  @Field(() => Money)
  targetAmount!: Money;

  @Field(() => DecimalScalar)
  rate!: string;

  @Field(() => Money)
  fee!: Money;

  @Field(() => String)
  reference!: string;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;

  // Attached when the transfer is read (a page joins them in; see transfers.resolver.ts).
  @Field(() => Quote, { nullable: true })
  quote!: Quote | null;

  @Field(() => Recipient, { nullable: true })
  recipient!: Recipient | null;

  // Loaded only when asked for, batched per page.
  @Field(() => [TransferStateChange])
  history?: TransferStateChange[];
}

@ObjectType('TransferStatusChange', {
  description:
    "One state a transfer moved to, as Wise reported it: every state once, in Wise's order. `sequence` numbers the customer's events; pass the last one you received as `after` when you subscribe again to get what you missed, then the live stream.",
})
export class TransferStatusChange {
  @Field(() => String, { description: "This event's place in the customer's sequence (increasing; resume after it with `after`)." })
  sequence!: string;

  @Field(() => ID, { description: 'The Transfer it is about.' })
  transferId!: string;

  @Field(() => TransferStatusEnum, { description: 'The state the transfer moved to.' })
  status!: TransferStatusEnum;

  @Field(() => String)
  wiseStatus!: string;

  @Field(() => String)
  statusLabel!: string;

  @Field(() => Date, { description: 'When Wise says it happened.' })
  occurredAt!: Date;

  @Field(() => Transfer, { description: 'The transfer as stored when this event is sent (its status may already be a later one).' })
  transfer!: Transfer;
}

@ObjectType('TransferEdge', { simpleResolvers: true })
export class TransferEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => Transfer)
  node!: Transfer;
}

@ObjectType('TransferConnection', { simpleResolvers: true })
export class TransferConnection {
  @Field(() => [TransferEdge])
  edges!: TransferEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

@ObjectType('TransferCreated')
export class TransferCreated {
  @Field(() => Transfer)
  transfer!: Transfer;
}

@ObjectType('VerificationRequired', { implements: UserError, description: 'The verification gate says no: Wise has not verified the profile (for this amount).' })
export class VerificationRequired extends UserError {

  @Field(() => Money, { description: 'What Wise still allows while unverified.' })
  maximumEntitledAmount!: Money;
}

export enum QuoteNotUsableReasonEnum {
  EXPIRED = 'EXPIRED',
  ALREADY_USED = 'ALREADY_USED',
}
registerEnumType(QuoteNotUsableReasonEnum, { name: 'QuoteNotUsableReason' });

@ObjectType('QuoteNotUsable', { implements: UserError, description: 'Requote and try again with the new quote.' })
export class QuoteNotUsable extends UserError {
  @Field(() => ID, { description: 'The Quote that cannot be used.' })
  quoteId!: string;

  @Field(() => QuoteNotUsableReasonEnum)
  reason!: QuoteNotUsableReasonEnum;
}

@ObjectType('InsufficientFunds', { implements: UserError, description: "The customer's bank account does not cover the transfer." })
export class InsufficientFunds extends UserError {
  @Field(() => Money, { nullable: true, description: 'null: no account in this currency.' })
  available!: Money | null;

  @Field(() => Money)
  required!: Money;
}

@ObjectType('TransferInvalid', { implements: UserError, description: 'Details to correct, keyed by the transfer requirements\' keys (or quoteId / recipientId).' })
export class TransferInvalid extends UserError {
  @Field(() => [FieldError])
  fieldErrors!: FieldError[];
}

@ObjectType('IdempotencyKeyReused', { implements: UserError, description: 'This idempotency key was already used for a different transfer.' })
export class IdempotencyKeyReused extends UserError {}

export const CreateTransferResult = createUnionType({
  name: 'CreateTransferResult',
  types: () => [TransferCreated, VerificationRequired, QuoteNotUsable, InsufficientFunds, TransferInvalid, IdempotencyKeyReused] as const,
});

@ObjectType('TransferFunded')
export class TransferFunded {
  @Field(() => Transfer)
  transfer!: Transfer;
}

@ObjectType('ScaRequired', { implements: UserError,
  description: "Wise asks for strong customer authentication. Have the customer approve in the bank's app, then call fundTransfer again with this oneTimeToken; the customer's money is where it was until then.",
})
export class ScaRequired extends UserError {
  @Field(() => Transfer)
  transfer!: Transfer;

  @Field(() => String)
  oneTimeToken!: string;
}

@ObjectType('FundingRejected', { implements: UserError, description: "Wise did not fund the transfer; the customer's money is back where it was." })
export class FundingRejected extends UserError {
  @Field(() => Transfer)
  transfer!: Transfer;

  @Field(() => String, { description: "Wise's code, e.g. transfer.insufficient_funds." })
  reason!: string;
}

export const FundTransferResult = createUnionType({
  name: 'FundTransferResult',
  types: () => [TransferFunded, ScaRequired, FundingRejected, InsufficientFunds] as const,
});

@ObjectType('TransferCancelled')
export class TransferCancelled {
  @Field(() => Transfer)
  transfer!: Transfer;
}

@ObjectType('TransferNotCancellable', { implements: UserError, })
export class TransferNotCancellable extends UserError {
  @Field(() => Transfer)
  transfer!: Transfer;
}

export const CancelTransferResult = createUnionType({
  name: 'CancelTransferResult',
  types: () => [TransferCancelled, TransferNotCancellable] as const,
});

@ObjectType('TransferForm', { simpleResolvers: true, description: 'What Wise needs to know about a transfer (reference, purpose, source of funds…): the same kind of fields as the recipient form.' })
export class TransferForm {
  @Field(() => ID, { description: 'The Quote it is for.' })
  quoteId!: string;

  @Field(() => ID, { description: 'The Recipient it is for.' })
  recipientId!: string;

  @Field(() => String)
  title!: string;

  @Field(() => String, { nullable: true })
  usageInfo!: string | null;

  @Field(() => [FormField])
  fields!: FormField[];

  @Field(() => [FormGroup])
  groups!: FormGroup[];
}

@InputType('CreateTransferInput')
export class CreateTransferInput {
  @Field(() => ID)
  quoteId!: string;

  @Field(() => ID)
  recipientId!: string;

  @Field(() => String, { description: 'The same key returns the same transfer; the same key with other input is refused (IdempotencyKeyReused).' })
  idempotencyKey!: string;

  @Field(() => [FieldValueInput], { nullable: true, description: 'Values of the transfer form, by key.' })
  values?: FieldValueInput[] | null;
}

@InputType('FundTransferInput')
export class FundTransferInput {
  @Field(() => ID)
  transferId!: string;

  @Field(() => String, { nullable: true, description: 'From ScaRequired, once the customer approved.' })
  oneTimeToken?: string | null;
}

@InputType('CancelTransferInput')
export class CancelTransferInput {
  @Field(() => ID)
  transferId!: string;
}
