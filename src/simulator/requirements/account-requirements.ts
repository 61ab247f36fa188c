/**
 * Account requirements — Wise's dynamic recipient form — per target currency, with the refresh
 * rules the real service applies (recipients-and-requirements.md §3–4): a US/CA/AU/BR country
 * adds a state, a JPY bank fills the branch list. The same definitions validate
 * `POST /v1/accounts`, so what the form says is what creation enforces.
 */
import { COUNTRIES, STATES_BY_COUNTRY } from '../countries.js';
import { simCurrency } from '../currencies.js';
import { JAPANESE_BANKS, KOREAN_BANKS } from './banks.js';

export type FieldType = 'text' | 'select' | 'radio' | 'date';

export type FieldDef = {
  key: string;
  name: string;
  type: FieldType;
  refreshRequirementsOnChange: boolean;
  required: boolean;
  displayFormat?: string;
  example?: string;
  minLength?: number;
  maxLength?: number;
  validationRegexp?: string;
  valuesAllowed?: { key: string; name: string }[] | null;
};

export type GroupDef = { name: string; group: FieldDef[] };
export type RequirementType = { type: string; title: string; usageInfo?: string; fields: GroupDef[] };

export type FormContext = {
  /** `Accept-Minor-Version: 1`: the form also carries accountHolderName (and email fields). */
  minorVersion1: boolean;
  /** The partially filled recipient's details (for refresh rules). */
  details: Record<string, unknown>;
};

export const NAME_REGEX = `^[0-9A-Za-zÀ-ÖØ-öø-ÿ-_()'*,.%#^@&{}~<>+$"\\[\\]\\\\ ]+$`;
export const EMAIL_REGEX = `\\s*[a-zA-Z0-9.!#$%&'*+/=?^_\`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+\\s*`;

const text = (key: string, name: string, extra: Partial<FieldDef> = {}): FieldDef => ({
  key,
  name,
  type: 'text',
  refreshRequirementsOnChange: false,
  required: true,
  ...extra,
});

const select = (key: string, name: string, values: { key: string; name: string }[] | null, extra: Partial<FieldDef> = {}): FieldDef => ({
  key,
  name,
  type: 'select',
  refreshRequirementsOnChange: false,
  required: true,
  valuesAllowed: values,
  ...extra,
});

const single = (field: FieldDef): GroupDef => ({ name: field.name, group: [field] });

function legalType(allowed: ('PRIVATE' | 'BUSINESS')[] = ['PRIVATE', 'BUSINESS']): GroupDef {
  const names = { PRIVATE: 'Person', BUSINESS: 'Business' };
  return single(select('legalType', 'Recipient type', allowed.map((k) => ({ key: k, name: names[k] })), { refreshRequirementsOnChange: true }));
}

function optionalEmail(): GroupDef {
  return single(text('email', 'Email (Optional)', { required: false, maxLength: 255, validationRegexp: EMAIL_REGEX, example: 'example@example.ex' }));
}

function holderName(ctx: FormContext, min = 2, max = 140, regex: string | undefined = NAME_REGEX): GroupDef[] {
  if (!ctx.minorVersion1) return [];
  return [single(text('accountHolderName', 'Full name of the account holder', { minLength: min, maxLength: max, ...(regex ? { validationRegexp: regex } : {}) }))];
}

/** Recipient address: country (refreshes), then a state where the country has them. */
function address(ctx: FormContext): GroupDef[] {
  const country = String(getPath(ctx.details, 'address.country') ?? '');
  const groups: GroupDef[] = [
    single(select('address.country', 'Country', COUNTRIES, { refreshRequirementsOnChange: true, example: 'Choose a country' })),
  ];
  const states = STATES_BY_COUNTRY[country];
  if (states) {
    groups.push(single(select('address.state', 'State', states.map((s) => ({ key: s, name: s })), { example: 'Choose a state' })));
  }
  groups.push(
    single(text('address.city', 'City', { minLength: 1, maxLength: 255, validationRegexp: '^.{1,255}$' })),
    single(text('address.firstLine', 'Address', { minLength: 1, maxLength: 255, validationRegexp: '^.{1,255}$' })),
    single(text('address.postCode', 'Post code', { minLength: 1, maxLength: 32, validationRegexp: '^.{1,32}$' })),
  );
  return groups;
}

function emailType(ctx: FormContext): RequirementType {
  return {
    type: 'email',
    title: 'Email',
    usageInfo: 'Wise emails the recipient to ask for their bank details.',
    fields: [
      single(text('email', 'Email', { maxLength: 255, validationRegexp: EMAIL_REGEX, example: 'example@example.ex' })),
      ...(ctx.minorVersion1 ? [single(text('accountHolderName', 'Full name of the account holder', { minLength: 2, maxLength: 255 }))] : []),
    ],
  };
}

function ibanType(ctx: FormContext, title: string): RequirementType {
  return {
    type: 'iban',
    title,
    fields: [
      legalType(),
      optionalEmail(),
      ...holderName(ctx),
      single(text('BIC', 'Bank code (BIC/SWIFT)', { required: false, minLength: 8, maxLength: 11, validationRegexp: '^[A-Za-z]{6}[A-Za-z\\d]{2}([A-Za-z\\d]{3})?$', example: 'BARCGB22XXX' })),
      single(text('IBAN', 'IBAN', { minLength: 14, maxLength: 42, validationRegexp: '^[a-zA-Z]{2}[a-zA-Z0-9 ]{12,40}$', example: 'DE12345678901234567890', displayFormat: '**** **** **** **** **** **** **** ****', refreshRequirementsOnChange: true })),
    ],
  };
}

function swiftType(ctx: FormContext, withAddress: boolean): RequirementType {
  return {
    type: 'swift_code',
    title: 'SWIFT',
    fields: [
      legalType(),
      optionalEmail(),
      ...holderName(ctx),
      single(text('swiftCode', 'SWIFT / BIC code', { minLength: 8, maxLength: 11, validationRegexp: '^[a-zA-Z]{6}(([a-zA-Z0-9]{2})|([a-zA-Z0-9]{5}))$', example: 'BUKBGB22' })),
      single(text('accountNumber', 'IBAN / Account number', { minLength: 4, maxLength: 34, validationRegexp: '^[a-zA-Z0-9\\s]{4,34}$' })),
      ...(withAddress ? address(ctx) : []),
    ],
  };
}

function usBankType(ctx: FormContext, type: 'aba' | 'fedwire_local', title: string): RequirementType {
  return {
    type,
    title,
    fields: [
      legalType(),
      optionalEmail(),
      ...holderName(ctx),
      single(text('abartn', 'ACH routing number', { minLength: 9, maxLength: 9, validationRegexp: '^\\d{9}$', example: '020123456' })),
      single(text('accountNumber', 'Account number', { minLength: 4, maxLength: 17, validationRegexp: '^\\d{4,17}$', example: '12345678' })),
      { name: 'Account type', group: [{ ...select('accountType', 'Account type', [{ key: 'CHECKING', name: 'Checking' }, { key: 'SAVINGS', name: 'Savings' }]), type: 'radio' }] },
      ...address(ctx),
    ],
  };
}

/** The account types Wise offers, by family; a currency's row (currencies.ts) names its family. */
const FORM_FAMILIES = {
  EMAIL: (ctx) => [emailType(ctx)],
  IBAN: (ctx) => [ibanType(ctx, 'IBAN'), emailType(ctx)],
  GBP: (ctx) => [
    {
      type: 'sort_code',
      title: 'Local bank account',
      fields: [
        legalType(),
        optionalEmail(),
        ...holderName(ctx),
        single(text('sortCode', 'UK sort code', { minLength: 6, maxLength: 8, validationRegexp: '^\\d{2}-?\\d{2}-?\\d{2}$', example: '40-30-20', displayFormat: '**-**-**' })),
        single(text('accountNumber', 'Account number', { minLength: 8, maxLength: 8, validationRegexp: '[0-9]{8}', example: '12345678' })),
      ],
    },
    ibanType(ctx, 'IBAN'),
    emailType(ctx),
  ],
  EUR: (ctx) => [ibanType(ctx, 'Inside Europe'), swiftType(ctx, false), emailType(ctx)],
  USD: (ctx) => [usBankType(ctx, 'aba', 'ACH'), usBankType(ctx, 'fedwire_local', 'Wire'), { ...swiftType(ctx, true), title: 'SWIFT' }],
  CAD: (ctx) => [
    {
      type: 'canadian',
      title: 'Local bank account',
      fields: [
        legalType(),
        optionalEmail(),
        ...holderName(ctx, 3, 80),
        // One row of three inputs: how Canadian cheques print the account.
        {
          name: 'Bank account',
          group: [
            text('institutionNumber', 'Institution number', { minLength: 3, maxLength: 3, validationRegexp: '\\d{3}', example: '006' }),
            text('transitNumber', 'Transit number', { minLength: 5, maxLength: 5, validationRegexp: '\\d{5}', example: '04841' }),
            text('accountNumber', 'Account number', { minLength: 7, maxLength: 12, validationRegexp: '\\d{7,12}', example: '1234567' }),
          ],
        },
        { name: 'Account type', group: [{ ...select('accountType', 'Account type', [{ key: 'CHECKING', name: 'Checking' }, { key: 'SAVING', name: 'Savings' }]), type: 'radio' }] },
      ],
    },
    {
      type: 'interac',
      title: 'Interac',
      fields: [legalType(), optionalEmail(), ...holderName(ctx), single(text('interacAccount', 'Interac email', { minLength: 6, maxLength: 50, validationRegexp: EMAIL_REGEX, example: 'example@example.ex' }))],
    },
    emailType(ctx),
  ],
  AUD: (ctx) => [
    {
      type: 'australian',
      title: 'Local bank account',
      fields: [
        legalType(),
        optionalEmail(),
        ...holderName(ctx, 3, 35),
        single(text('bsbCode', 'BSB code', { minLength: 6, maxLength: 7, validationRegexp: '^\\d{3}\\-?\\d{3}$', example: '802985' })),
        single(text('accountNumber', 'Account number', { minLength: 4, maxLength: 28, validationRegexp: '^\\d{4,9}$', example: '123456789' })),
      ],
    },
    {
      type: 'australian_bpay',
      title: 'BPAY',
      fields: [
        legalType(['BUSINESS']),
        optionalEmail(),
        single(text('billerCode', 'Biller code', { minLength: 3, maxLength: 10, validationRegexp: '^[0-9]{3,10}$', example: '12345' })),
        single(text('customerReferenceNumber', 'Customer reference number', { minLength: 2, maxLength: 20, validationRegexp: '^(\\s*(?:\\d\\s*){2,20})$', example: '0123456789' })),
      ],
    },
    emailType(ctx),
  ],
  JPY: (ctx) => {
    const bankCode = String(ctx.details.bankCode ?? '');
    const bank = JAPANESE_BANKS.find((b) => b.code === bankCode);
    return [
      {
        type: 'japanese',
        title: 'Local bank account',
        fields: [
          legalType(),
          optionalEmail(),
          ...holderName(ctx, 2, 140, '^[ -~゠-ヿ　-〿¥￥！-ﾟ゙-゜]+$'),
          single(select('bankCode', 'Bank name', JAPANESE_BANKS.map((b) => ({ key: b.code, name: b.name })), { refreshRequirementsOnChange: true, minLength: 4, maxLength: 4, example: 'Please enter bank name or bank code' })),
          // The branch list is only known once a bank is chosen: the refresh fills it in.
          single(select('branchCode', 'Branch name', bank ? bank.branches.map((b) => ({ key: b.code, name: b.name })) : null, { minLength: 3, maxLength: 3, example: "Please choose recipient's branch" })),
          single(select('accountType', 'Account type', [{ key: 'CURRENT', name: 'Current (Futsuu)' }, { key: 'SAVINGS', name: 'Savings (Chochiku)' }, { key: 'CHECKING', name: 'Checking (Touza)' }])),
          single(text('accountNumber', 'Account number', { minLength: 2, maxLength: 7, validationRegexp: '^\\d{2,7}$', example: '1234567' })),
        ],
      },
      emailType(ctx),
    ];
  },
  KRW: (ctx) => {
    const banks = KOREAN_BANKS.map((b) => ({ key: b.code, name: b.name }));
    const recipientEmail = single(text('email', 'Email', { maxLength: 255, validationRegexp: '^[^\\s]+@[^\\s]+\\.[^\\s]{2,}$', example: 'example@example.ex', refreshRequirementsOnChange: true }));
    return [
      {
        type: 'south_korean_paygate',
        title: 'PayGate',
        fields: [
          recipientEmail,
          legalType(['PRIVATE']),
          ...holderName(ctx),
          single({ ...text('dateOfBirth', 'Date of birth', { validationRegexp: '^\\d{4}\\-\\d{2}\\-\\d{2}$', example: 'yyyy-MM-dd' }), type: 'date' }),
          single(select('bankCode', 'Bank name', banks, { example: "Please choose recipient's bank" })),
          single(text('accountNumber', 'Account number', { minLength: 10, maxLength: 16, example: '1254693521232' })),
          single(text('phoneNumber', 'Phone number (Optional)', { required: false, minLength: 10, maxLength: 16, example: '01012345678' })),
        ],
      },
      {
        type: 'south_korean_paygate_business',
        title: 'PayGate to business',
        fields: [
          recipientEmail,
          legalType(['BUSINESS']),
          ...holderName(ctx),
          single(select('bankCode', 'Bank name', banks, { example: "Please choose recipient's bank" })),
          single(text('accountNumber', 'Account number', { minLength: 10, maxLength: 16, example: '1254693521232' })),
        ],
      },
      emailType(ctx),
    ];
  },
  INR: (ctx) => [
    {
      type: 'indian',
      title: 'Local bank account',
      fields: [
        legalType(),
        optionalEmail(),
        ...holderName(ctx),
        single(text('ifscCode', 'IFSC code', { minLength: 11, maxLength: 11, validationRegexp: '^[A-Za-z]{4}0[A-Za-z0-9]{6}$', example: 'YESB0236041' })),
        single(text('accountNumber', 'Account number', { minLength: 5, maxLength: 20, validationRegexp: '^[a-zA-Z0-9]{5,20}$', example: '678911234567891' })),
        ...address(ctx),
      ],
    },
    {
      type: 'indian_upi',
      title: 'UPI',
      fields: [legalType(), optionalEmail(), ...holderName(ctx), single(text('accountNumber', 'UPI ID', { minLength: 5, maxLength: 255, example: 'wise@yesb' })), ...address(ctx)],
    },
  ],
} satisfies Record<string, (ctx: FormContext) => RequirementType[]>;

export type FormFamily = keyof typeof FORM_FAMILIES;

/** The form for a target currency given what is filled in so far; [] when Wise cannot pay out. */
export function accountRequirements(currency: string, ctx: FormContext): RequirementType[] {
  return FORM_FAMILIES[simCurrency(currency)?.forms ?? 'EMAIL'](ctx);
}

export function getPath(details: Record<string, unknown>, key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), details);
}

/** Java's String.matches is a whole-string match; so is Wise's validationRegexp. */
export function matchesWhole(regex: string, value: string): boolean {
  // No 'u' flag: Java patterns escape characters (\-) that unicode mode refuses.
  return new RegExp(`^(?:${regex})$`).test(value);
}
