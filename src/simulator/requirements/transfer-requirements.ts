/**
 * Transfer requirements (`POST /v1/transfer-requirements`): the same form format as account
 * requirements, `type: "transfer"`. Which fields appear depends on the route and amount, as at
 * Wise: a reference sized for the payout network, a purpose for INR and KRW, a source of funds
 * for large amounts, and "other" asking for a description once chosen.
 */
import { simCurrency } from '../currencies.js';
import type { FieldError } from '../errors.js';
import type { SimQuote } from '../state.js';
import { matchesWhole, type GroupDef } from './account-requirements.js';

/** Sending at least this (in USD) asks where the money comes from. */
export const SOURCE_OF_FUNDS_THRESHOLD_USD = 5000;

const PURPOSES = [
  ['verification.transfers.purpose.send.to.family', 'Sending money to family'],
  ['verification.transfers.purpose.living.expenses', 'Paying for living expenses'],
  ['verification.transfers.purpose.pay.bills', 'Paying bills'],
  ['verification.transfers.purpose.pay.tuition', 'Paying tuition'],
  ['verification.transfers.purpose.purchase.property', 'Buying property'],
  ['verification.transfers.purpose.other', 'Other'],
].map(([key, name]) => ({ key, name }));

const SOURCES = [
  ['verification.source.of.funds.salary', 'Salary'],
  ['verification.source.of.funds.investment', 'Investments'],
  ['verification.source.of.funds.inheritance', 'Inheritance'],
  ['verification.source.of.funds.loan', 'Loan'],
  ['verification.source.of.funds.other', 'Other'],
].map(([key, name]) => ({ key, name }));


export function transferRequirements(quote: SimQuote, details: Record<string, unknown>, sourceAmountUsd: number): { type: 'transfer'; fields: GroupDef[] }[] {
  const fields: GroupDef[] = [
    {
      name: 'Reference (Optional)',
      group: [
        {
          key: 'reference',
          name: 'Reference (Optional)',
          type: 'text',
          refreshRequirementsOnChange: false,
          required: false,
          maxLength: simCurrency(quote.targetCurrency)?.referenceMax ?? 35,
          validationRegexp: '[a-zA-Z0-9- ]*',
          example: 'Rent for May',
        },
      ],
    },
  ];
  if (simCurrency(quote.targetCurrency)?.transferPurpose) {
    fields.push({
      name: 'Transfer purpose',
      group: [{ key: 'transferPurpose', name: 'Transfer purpose', type: 'select', refreshRequirementsOnChange: true, required: true, valuesAllowed: PURPOSES }],
    });
  }
  if (sourceAmountUsd >= SOURCE_OF_FUNDS_THRESHOLD_USD) {
    fields.push({
      name: 'Source of funds',
      group: [{ key: 'sourceOfFunds', name: 'Source of funds', type: 'select', refreshRequirementsOnChange: true, required: true, valuesAllowed: SOURCES }],
    });
    if (details.sourceOfFunds === 'verification.source.of.funds.other') {
      fields.push({
        name: 'Describe the source of funds',
        group: [{ key: 'sourceOfFundsOther', name: 'Describe the source of funds', type: 'text', refreshRequirementsOnChange: false, required: true, minLength: 2, maxLength: 140 }],
      });
    }
  }
  return [{ type: 'transfer', fields }];
}

export function validateTransferDetails(quote: SimQuote, details: Record<string, unknown>, sourceAmountUsd: number): FieldError[] {
  const [form] = transferRequirements(quote, details, sourceAmountUsd);
  const errors: FieldError[] = [];
  for (const field of form.fields.flatMap((g) => g.group)) {
    const value = details[field.key] === undefined || details[field.key] === null ? '' : String(details[field.key]);
    const path = `details.${field.key}`;
    if (!value) {
      if (field.required) errors.push({ code: 'NOT_VALID', message: `Please specify ${field.name.toLowerCase()}.`, path, arguments: [path] });
      continue;
    }
    if (field.maxLength !== undefined && value.length > field.maxLength) {
      errors.push({ code: 'NOT_VALID', message: `${field.name} must be at most ${field.maxLength} characters.`, path, arguments: [path, value] });
    } else if (field.minLength !== undefined && value.length < field.minLength) {
      errors.push({ code: 'NOT_VALID', message: `${field.name} must be at least ${field.minLength} characters.`, path, arguments: [path, value] });
    } else if (field.validationRegexp && !matchesWhole(field.validationRegexp, value)) {
      errors.push({ code: 'NOT_VALID', message: `${field.name} contains characters that are not allowed.`, path, arguments: [path, value] });
    } else if (field.valuesAllowed && !field.valuesAllowed.some((v) => v.key === value)) {
      errors.push({ code: 'NOT_VALID', message: `${value} is not an allowed value.`, path, arguments: [path, value] });
    }
  }
  return errors;
}
