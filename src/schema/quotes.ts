import { createUnionType, Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { FieldError, UserError } from './errors.js';
import { Money } from './money.js';
import { Node } from './relay.js';
import { CurrencyCodeScalar, DecimalScalar } from './scalars.js';

export enum QuoteStatusEnum {
  PENDING = 'PENDING',
  ACCEPTED = 'ACCEPTED',
  FUNDED = 'FUNDED',
  EXPIRED = 'EXPIRED',
}
registerEnumType(QuoteStatusEnum, {
  name: 'QuoteStatus',
  valuesConfig: {
    PENDING: { description: 'Can be used for a transfer until expiresAt.' },
    ACCEPTED: { description: 'A transfer was created from it.' },
    FUNDED: { description: 'Its transfer was funded.' },
    EXPIRED: { description: 'Not used within 30 minutes: requote it.' },
  },
});

export enum ProvidedAmountTypeEnum {
  SOURCE = 'SOURCE',
  TARGET = 'TARGET',
}
registerEnumType(ProvidedAmountTypeEnum, { name: 'ProvidedAmountType', description: 'Which amount the customer fixed.' });

@ObjectType('PaymentOption', { simpleResolvers: true, description: 'One way to pay in and out, with its own amounts and fee.' })
export class PaymentOption {
  @Field(() => String)
  payIn!: string;

  @Field(() => String)
  payOut!: string;

  @Field(() => Money)
  sourceAmount!: Money;

  @Field(() => Money)
  targetAmount!: Money;

  @Field(() => Money)
  fee!: Money;

  @Field(() => Boolean)
  disabled!: boolean;

  @Field(() => String, { nullable: true })
  disabledReason!: string | null;

  @Field(() => Date, { nullable: true })
  estimatedDelivery!: Date | null;

  @Field(() => String, { nullable: true, description: 'Wise\'s wording, e.g. "by Monday".' })
  formattedEstimatedDelivery!: string | null;
}

@ObjectType('QuoteNotice', { simpleResolvers: true })
export class QuoteNotice {
  @Field(() => String)
  text!: string;

  @Field(() => String, { description: 'WARNING, INFO or BLOCKED (no transfer can be made).' })
  type!: string;
}

@ObjectType('Quote', {
  implements: Node,
  simpleResolvers: true,
  description: 'A fixed-rate offer from Wise, valid for 30 minutes. Amounts are those of the option the bank pays with (the Wise balance).',
})
export class Quote extends Node {
  @Field(() => ID, { description: "Wise's quote id." })
  wiseQuoteId!: string;

  @Field(() => ID, { description: 'The WiseProfile it was made for.' })
  profileId!: string;

  @Field(() => Money)
  sourceAmount!: Money;

  @Field(() => Money)
  targetAmount!: Money;

  @Field(() => DecimalScalar)
  rate!: string;

  @Field(() => Money, { description: 'Total fee, in the source currency.' })
  fee!: Money;

  @Field(() => ProvidedAmountTypeEnum)
  providedAmountType!: ProvidedAmountTypeEnum;

  @Field(() => String)
  payOut!: string;

  @Field(() => QuoteStatusEnum)
  status!: QuoteStatusEnum;

  @Field(() => Boolean, { description: 'Past expiresAt without a transfer: requote it.' })
  expired!: boolean;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  expiresAt!: Date;

  // Resolved from the quote's JSON only when asked for (see resolvers/quotes.resolver.ts).
  @Field(() => [PaymentOption])
  paymentOptions?: PaymentOption[];

  @Field(() => [QuoteNotice])
  notices?: QuoteNotice[];
}

@InputType('CreateQuoteInput', { description: 'Exactly one of sourceAmount or targetAmount.' })
export class CreateQuoteInput {
  @Field(() => CurrencyCodeScalar)
  sourceCurrency!: string;

  @Field(() => CurrencyCodeScalar)
  targetCurrency!: string;

  @Field(() => DecimalScalar, { nullable: true, description: 'What the customer sends.' })
  sourceAmount?: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'What the recipient gets.' })
  targetAmount?: string | null;
}

@ObjectType('QuoteCreated')
export class QuoteCreated {
  @Field(() => Quote)
  quote!: Quote;
}

@ObjectType('QuoteInvalid', { implements: UserError, description: 'The amounts or currencies cannot be quoted; `field` says which input.' })
export class QuoteInvalid extends UserError {
  @Field(() => [FieldError])
  fieldErrors!: FieldError[];
}

export const CreateQuoteResult = createUnionType({
  name: 'CreateQuoteResult',
  types: () => [QuoteCreated, QuoteInvalid] as const,
});

@InputType('RequoteInput')
export class RequoteInput {
  @Field(() => ID, { description: 'The Quote whose terms to quote again.' })
  quoteId!: string;
}

@ObjectType('RequoteResult')
export class RequoteResult {
  @Field(() => Quote, { description: 'The new quote.' })
  quote!: Quote;
}
