/**
 * Wise's JSON objects as the gateway reads and sends them — users, profiles, the verification
 * check, quotes, account requirements, recipients, transfers, funding — with the fields it uses,
 * named as in Wise's OpenAPI description. api.ts takes and returns these.
 */

export type WiseUser = { id: number; name: string | null; email: string; active: boolean; details: Record<string, unknown> | null };

export type WiseAddress = {
  id?: number;
  addressFirstLine: string;
  city: string;
  countryIso2Code?: string;
  countryIso3Code: string;
  postCode?: string | null;
  stateCode?: string | null;
};

export type WiseV2Profile = {
  id: number;
  type: 'PERSONAL' | 'BUSINESS';
  userId: number;
  fullName?: string;
  firstName?: string;
  lastName?: string;
  dateOfBirth?: string;
  businessName?: string;
  address?: WiseAddress;
  email?: string;
  [key: string]: unknown;
};

export type PersonalProfileInput = {
  firstName: string;
  lastName: string;
  preferredName?: string;
  dateOfBirth: string;
  address: WiseAddress;
  nationality?: string;
  externalCustomerId?: string;
  contactDetails: { email: string; phoneNumber: string };
  occupations?: { code: string; format: 'FREE_FORM' }[];
};

export type BusinessProfileInput = {
  businessName: string;
  registrationNumber?: string;
  companyType?: string;
  companyRole?: string;
  descriptionOfBusiness?: string;
  businessFreeFormDescription?: string;
  webpage?: string;
  firstLevelCategory?: string;
  secondLevelCategory?: string;
  address: WiseAddress;
  externalCustomerId?: string;
};

export type VerificationCheck = {
  routes: { source_currency: string; current_status: 'verified' | 'not_verified'; maximum_entitled_amount: number }[];
  request_id: string;
};

export type WisePaymentOption = {
  payIn: string;
  payOut: string;
  disabled?: boolean;
  disabledReason?: { code?: string; message?: string };
  sourceAmount: number;
  targetAmount: number;
  fee?: { total?: number };
  price?: { total?: { value?: { amount?: number } } };
  estimatedDelivery?: string;
  formattedEstimatedDelivery?: string;
};

export type WiseQuote = {
  id: string;
  sourceCurrency: string;
  targetCurrency: string;
  sourceAmount?: number;
  targetAmount?: number;
  rate: number;
  createdTime: string;
  expirationTime: string;
  providedAmountType: 'SOURCE' | 'TARGET';
  payOut: string;
  status: 'PENDING' | 'ACCEPTED' | 'FUNDED' | 'EXPIRED';
  profile: number;
  targetAccount?: number;
  paymentOptions: WisePaymentOption[];
  notices?: { text: string; link: string | null; type: 'WARNING' | 'INFO' | 'BLOCKED' }[];
  [key: string]: unknown;
};

export type WiseFormField = {
  key: string;
  name: string;
  type: string;
  refreshRequirementsOnChange?: boolean;
  required?: boolean;
  displayFormat?: string | null;
  example?: string | null;
  minLength?: number | null;
  maxLength?: number | null;
  validationRegexp?: string | null;
  valuesAllowed?: { key: string; name: string }[] | null;
};

export type WiseRequirement = { type: string; title?: string; usageInfo?: string | null; fields: { name: string; group: WiseFormField[] }[] };

export type WiseRecipient = {
  id: number;
  profileId: number;
  currency: string;
  country?: string;
  type: string;
  legalEntityType?: string;
  active: boolean;
  name?: { fullName?: string };
  details?: Record<string, unknown>;
  accountSummary?: string;
  longAccountSummary?: string;
  [key: string]: unknown;
};

export type WiseTransfer = {
  id: number;
  user: number;
  targetAccount: number;
  quoteUuid: string;
  status: string;
  reference?: string;
  rate: number;
  created: string;
  sourceCurrency: string;
  sourceValue: number;
  targetCurrency: string;
  targetValue: number;
  customerTransactionId: string;
  [key: string]: unknown;
};

export type FundingResult = { type: string; status: 'COMPLETED' | 'REJECTED'; errorCode: string | null; errorMessage?: string | null; balanceTransactionId?: number | null };

export type RecipientInput = {
  currency: string;
  type: string;
  profile: number;
  accountHolderName: string;
  ownedByCustomer?: boolean;
  details: Record<string, unknown>;
};
