import { createUnionType, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DecimalScalar } from '../scalars.js';
import { FieldErrorType } from './onboarding.js';

@ObjectType('Money', { simpleResolvers: true, description: 'An amount with its currency; the amount is a decimal string.' })
export class MoneyType {
  @Field(() => DecimalScalar)
  amount!: string;

  @Field(() => String, { description: 'ISO 4217.' })
  currency!: string;
}

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
export class PaymentOptionType {
  @Field(() => String)
  payIn!: string;

  @Field(() => String)
  payOut!: string;

  @Field(() => MoneyType)
  sourceAmount!: MoneyType;

  @Field(() => MoneyType)
  targetAmount!: MoneyType;

  @Field(() => MoneyType)
  fee!: MoneyType;

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
export class QuoteNoticeType {
  @Field(() => String)
  text!: string;

  @Field(() => String, { description: 'WARNING, INFO or BLOCKED (no transfer can be made).' })
  type!: string;
}

@ObjectType('Quote', {
  simpleResolvers: true, description: 'A fixed-rate offer from Wise, valid for 30 minutes. Amounts are those of the option the bank pays with (the Wise balance).' })
export class QuoteType {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  profileId!: string;

  @Field(() => MoneyType)
  sourceAmount!: MoneyType;

  @Field(() => MoneyType)
  targetAmount!: MoneyType;

  @Field(() => DecimalScalar)
  rate!: string;

  @Field(() => MoneyType, { description: 'Total fee, in the source currency.' })
  fee!: MoneyType;

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

  // Resolved from the quote's JSON only when asked for (see quote.resolver.ts).
  @Field(() => [PaymentOptionType])
  paymentOptions?: PaymentOptionType[];

  @Field(() => [QuoteNoticeType])
  notices?: QuoteNoticeType[];
}

@InputType('QuoteInput', { description: 'Exactly one of sourceAmount or targetAmount.' })
export class QuoteInput {
  @Field(() => String)
  sourceCurrency!: string;

  @Field(() => String)
  targetCurrency!: string;

  @Field(() => DecimalScalar, { nullable: true, description: 'What the customer sends.' })
  sourceAmount?: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'What the recipient gets.' })
  targetAmount?: string | null;
}

// ---- the dynamic form ---------------------------------------------------------------------

export enum FormControlEnum {
  TEXT = 'TEXT',
  SELECT = 'SELECT',
  RADIO = 'RADIO',
  DATE = 'DATE',
}
registerEnumType(FormControlEnum, { name: 'FormControl', description: 'How to render a form field.' });

@ObjectType('FormChoice', { simpleResolvers: true })
export class FormChoiceType {
  @Field(() => String, { description: 'What to submit.' })
  value!: string;

  @Field(() => String, { description: 'What to show.' })
  label!: string;
}

@ObjectType('FormField', { simpleResolvers: true, description: 'One input of a dynamic form, with the rules it is validated by.' })
export class FormFieldType {
  @Field(() => String, { description: 'What to submit it as (dotted keys are nested, e.g. address.country).' })
  key!: string;

  @Field(() => String)
  label!: string;

  @Field(() => FormControlEnum)
  control!: FormControlEnum;

  @Field(() => Boolean)
  required!: boolean;

  @Field(() => [FormChoiceType], { nullable: true, description: 'The only values allowed (SELECT and RADIO).' })
  allowedValues!: FormChoiceType[] | null;

  @Field(() => String, { nullable: true, description: 'A regular expression the whole value must match.' })
  pattern!: string | null;

  @Field(() => Int, { nullable: true })
  minLength!: number | null;

  @Field(() => Int, { nullable: true })
  maxLength!: number | null;

  @Field(() => String, { nullable: true })
  example!: string | null;

  @Field(() => String, { nullable: true, description: 'An input mask, e.g. **-**-**.' })
  displayFormat!: string | null;

  @Field(() => Boolean, { description: 'Changing this value must refresh the form (call the query again with the values).' })
  refreshOnChange!: boolean;

  @Field(() => String, { description: 'Label of the group the field belongs to; a group may hold several fields shown together.' })
  group!: string;
}

@ObjectType('FormGroup', { simpleResolvers: true, description: 'Fields shown together, in order (e.g. institution, transit and account number on one row).' })
export class FormGroupType {
  @Field(() => String)
  label!: string;

  @Field(() => [String])
  keys!: string[];
}

@ObjectType('RecipientFormOption', { simpleResolvers: true, description: 'One kind of recipient account (a tab of the form), e.g. sort_code or iban.' })
export class RecipientFormOptionType {
  @Field(() => String, { description: 'Submit as createRecipient(type).' })
  type!: string;

  @Field(() => String)
  title!: string;

  @Field(() => String, { nullable: true })
  usageInfo!: string | null;

  @Field(() => [FormFieldType])
  fields!: FormFieldType[];

  @Field(() => [FormGroupType])
  groups!: FormGroupType[];
}

@ObjectType('RecipientForm', { simpleResolvers: true })
export class RecipientFormType {
  @Field(() => String)
  currency!: string;

  @Field(() => ID, { nullable: true })
  quoteId!: string | null;

  @Field(() => [RecipientFormOptionType])
  options!: RecipientFormOptionType[];
}

@InputType('FieldValueInput', { description: 'A value for one form field, by its key.' })
export class FieldValueInput {
  @Field(() => String)
  key!: string;

  @Field(() => String)
  value!: string;
}

// ---- recipients ---------------------------------------------------------------------------

@ObjectType('Recipient', { simpleResolvers: true })
export class RecipientType {
  @Field(() => ID, { description: "Wise's recipient id." })
  id!: string;

  @Field(() => ID)
  profileId!: string;

  @Field(() => String)
  currency!: string;

  @Field(() => String, { description: 'The form type it was created with, e.g. sort_code.' })
  type!: string;

  @Field(() => String)
  accountHolderName!: string;

  @Field(() => String, { description: 'PERSON or BUSINESS.' })
  legalEntityType!: string;

  @Field(() => String, { nullable: true })
  country!: string | null;

  @Field(() => String, { description: 'e.g. "(23-14-70) 28821822".' })
  accountSummary!: string;

  @Field(() => String, { description: 'e.g. "GBP account ending in 1822".' })
  longAccountSummary!: string;

  @Field(() => Boolean)
  active!: boolean;
}

@ObjectType('RecipientEdge', { simpleResolvers: true })
export class RecipientEdgeType {
  @Field(() => String)
  cursor!: string;

  @Field(() => RecipientType)
  node!: RecipientType;
}

@ObjectType('PageInfo', { simpleResolvers: true })
export class PageInfoType {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

@ObjectType('RecipientConnection', { simpleResolvers: true })
export class RecipientConnectionType {
  @Field(() => [RecipientEdgeType])
  edges!: RecipientEdgeType[];

  @Field(() => PageInfoType)
  pageInfo!: PageInfoType;
}

@ObjectType('RecipientCreated')
export class RecipientCreated {
  @Field(() => RecipientType)
  recipient!: RecipientType;
}

@ObjectType('RecipientInvalid', { description: 'Fields to correct, keyed by the form\'s keys (from the form\'s own rules or from Wise).' })
export class RecipientInvalid {
  @Field(() => [FieldErrorType])
  fieldErrors!: FieldErrorType[];
}

export const CreateRecipientResult = createUnionType({
  name: 'CreateRecipientResult',
  types: () => [RecipientCreated, RecipientInvalid] as const,
});

@InputType('CreateRecipientInput', { description: 'Give quoteId (preferred: Wise shapes the form to the quote) or currency.' })
export class CreateRecipientInput {
  @Field(() => ID, { nullable: true })
  quoteId?: string;

  @Field(() => String, { nullable: true })
  currency?: string;

  @Field(() => String, { description: "The form option's type, e.g. sort_code." })
  type!: string;

  @Field(() => String)
  accountHolderName!: string;

  @Field(() => [FieldValueInput], { description: 'Every other field of the form, by key.' })
  values!: FieldValueInput[];

  @Field(() => Boolean, { nullable: true, description: 'The customer sends to their own account.' })
  ownedByCustomer?: boolean;
}
