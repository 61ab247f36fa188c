import type { Recipient as RecipientEntity } from '../entities/Recipient.js';
import { toGlobalId } from '../schema/ids.js';
import type { FormField, Recipient, RecipientForm, RecipientFormOption } from '../schema/recipients.js';
import type { RecipientRow } from '../services/read-models.js';
import type { FormOption, RecipientForm as DomainForm } from '../services/recipients.js';

export function toRecipient(r: RecipientEntity | RecipientRow): Recipient {
  return {
    id: toGlobalId('Recipient', r.id),
    wiseRecipientId: String(r.id),
    profileId: toGlobalId('WiseProfile', r.profileId),
    currency: r.currency,
    type: r.type,
    accountHolderName: r.accountHolderName,
    legalEntityType: r.legalEntityType,
    country: r.country,
    accountSummary: r.accountSummary,
    longAccountSummary: r.longAccountSummary,
    active: r.active,
  };
}

export function toFormOption(option: FormOption): RecipientFormOption {
  return { ...option, fields: option.fields.map((f) => ({ ...f, control: f.control as FormField['control'] })) };
}

export function toRecipientForm(form: DomainForm): RecipientForm {
  return { currency: form.currency, quoteId: form.quoteId === null ? null : toGlobalId('Quote', form.quoteId), options: form.options.map(toFormOption) };
}
