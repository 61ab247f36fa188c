/** Recipients and the dynamic forms Wise describes them with (the transfer form reuses the fields). */
import { createUnionType, Field, ID, InputType, ObjectType, registerEnumType, Int } from 'type-graphql';
import { FieldError, UserError } from './errors.js';
import { Node, PageInfo } from './relay.js';
import { CountryCodeScalar, CurrencyCodeScalar } from './scalars.js';

// ---- the dynamic form ---------------------------------------------------------------------

export enum FormControlEnum {
  TEXT = 'TEXT',
  SELECT = 'SELECT',
  RADIO = 'RADIO',
  DATE = 'DATE',
}
registerEnumType(FormControlEnum, { name: 'FormControl', description: 'How to render a form field.' });

@ObjectType('FormChoice', { simpleResolvers: true })
export class FormChoice {
  @Field(() => String, { description: 'What to submit.' })
  value!: string;

  @Field(() => String, { description: 'What to show.' })
  label!: string;
}

@ObjectType('FormField', { simpleResolvers: true, description: 'One input of a dynamic form, with the rules it is validated by.' })
export class FormField {
  @Field(() => String, { description: 'What to submit it as (dotted keys are nested, e.g. address.country).' })
  key!: string;

  @Field(() => String)
  label!: string;

  @Field(() => FormControlEnum)
  control!: FormControlEnum;

  @Field(() => Boolean)
  required!: boolean;

  @Field(() => [FormChoice], { nullable: true, description: 'The only values allowed (SELECT and RADIO).' })
  allowedValues!: FormChoice[] | null;

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
export class FormGroup {
  @Field(() => String)
  label!: string;

  @Field(() => [String])
  keys!: string[];
}

@ObjectType('RecipientFormOption', { simpleResolvers: true, description: 'One kind of recipient account (a tab of the form), e.g. sort_code or iban.' })
export class RecipientFormOption {
  @Field(() => String, { description: 'Submit as createRecipient(type).' })
  type!: string;

  @Field(() => String)
  title!: string;

  @Field(() => String, { nullable: true })
  usageInfo!: string | null;

  @Field(() => [FormField])
  fields!: FormField[];

  @Field(() => [FormGroup])
  groups!: FormGroup[];
}

@ObjectType('RecipientForm', { simpleResolvers: true, description: 'The form to create a recipient with: one option per kind of account.' })
export class RecipientForm {
  @Field(() => CurrencyCodeScalar)
  currency!: string;

  @Field(() => ID, { nullable: true, description: 'The Quote the form was shaped for.' })
  quoteId!: string | null;

  @Field(() => [RecipientFormOption])
  options!: RecipientFormOption[];
}

@InputType('FieldValueInput', { description: 'A value for one form field, by its key.' })
export class FieldValueInput {
  @Field(() => String)
  key!: string;

  @Field(() => String)
  value!: string;
}

// ---- recipients ---------------------------------------------------------------------------

@ObjectType('Recipient', { implements: Node, simpleResolvers: true, description: 'Someone the customer sends money to, as Wise holds them.' })
export class Recipient extends Node {
  @Field(() => ID, { description: "Wise's recipient id (for the bank's support staff; use `id` in the API)." })
  wiseRecipientId!: string;

  @Field(() => ID, { description: 'The WiseProfile it belongs to.' })
  profileId!: string;

  @Field(() => CurrencyCodeScalar)
  currency!: string;

  @Field(() => String, { description: 'The form type it was created with, e.g. sort_code.' })
  type!: string;

  @Field(() => String)
  accountHolderName!: string;

  @Field(() => String, { description: 'PERSON or BUSINESS.' })
  legalEntityType!: string;

  @Field(() => CountryCodeScalar, { nullable: true })
  country!: string | null;

  @Field(() => String, { description: 'e.g. "(23-14-70) 28821822".' })
  accountSummary!: string;

  @Field(() => String, { description: 'e.g. "GBP account ending in 1822".' })
  longAccountSummary!: string;

  @Field(() => Boolean)
  active!: boolean;
}

@ObjectType('RecipientEdge', { simpleResolvers: true })
export class RecipientEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => Recipient)
  node!: Recipient;
}

@ObjectType('RecipientConnection', { simpleResolvers: true })
export class RecipientConnection {
  @Field(() => [RecipientEdge])
  edges!: RecipientEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

@InputType('CreateRecipientInput', { description: 'Give quoteId (preferred: Wise shapes the form to the quote) or currency.' })
export class CreateRecipientInput {
  @Field(() => ID, { nullable: true })
  quoteId?: string | null;

  @Field(() => CurrencyCodeScalar, { nullable: true })
  currency?: string | null;

  @Field(() => String, { description: "The form option's type, e.g. sort_code." })
  type!: string;

  @Field(() => String)
  accountHolderName!: string;

  @Field(() => [FieldValueInput], { description: 'Every other field of the form, by key.' })
  values!: FieldValueInput[];

  @Field(() => Boolean, { nullable: true, description: 'The customer sends to their own account.' })
  ownedByCustomer?: boolean | null;
}

@ObjectType('RecipientCreated')
export class RecipientCreated {
  @Field(() => Recipient)
  recipient!: Recipient;
}

@ObjectType('RecipientInvalid', { implements: UserError, description: "Fields to correct, keyed by the form's keys (from the form's own rules or from Wise)." })
export class RecipientInvalid extends UserError {
  @Field(() => [FieldError])
  fieldErrors!: FieldError[];
}

export const CreateRecipientResult = createUnionType({
  name: 'CreateRecipientResult',
  types: () => [RecipientCreated, RecipientInvalid] as const,
});

@InputType('DeleteRecipientInput')
export class DeleteRecipientInput {
  @Field(() => ID)
  recipientId!: string;
}

@ObjectType('DeleteRecipientResult')
export class DeleteRecipientResult {
  @Field(() => Recipient, { description: 'The recipient, now inactive (it stays readable for past transfers).' })
  recipient!: Recipient;
}
