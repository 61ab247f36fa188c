/**
 * Typed calls to the Wise Platform API, one method per operation, paths and bodies as in
 * Wise's OpenAPI description. Knows HTTP and Wise; nothing of GraphQL or the database.
 */
import type { WiseHttp } from './http.js';

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

type Who = { token: string; customerId?: string | null };

export class WiseApi {
  constructor(readonly http: WiseHttp) {}

  async userExists(clientToken: string, email: string): Promise<boolean> {
    const { body } = await this.http.request<{ exists: boolean }>({ method: 'POST', path: '/v1/users/exists', token: clientToken, json: { email }, retry: true });
    return body.exists;
  }

  /** Not retried: a lost answer is recovered by trying the registration code (onboarding). */
  async signUp(clientToken: string, email: string, registrationCode: string, customerId: string): Promise<WiseUser> {
    const { body } = await this.http.request<WiseUser>({
      method: 'POST',
      path: '/v1/user/signup/registration_code',
      token: clientToken,
      json: { email, registrationCode },
      retry: false,
      customerId,
    });
    return body;
  }

  async me(who: Who): Promise<WiseUser> {
    return (await this.http.request<WiseUser>({ method: 'GET', path: '/v1/me', token: who.token, retry: true, customerId: who.customerId })).body;
  }

  async claimAccount(who: Who, registrationCode: string): Promise<string> {
    const { body } = await this.http.request<{ claimAccountCode: string }>({
      method: 'POST',
      path: '/v1/user/claim-account',
      token: who.token,
      json: { registrationCode },
      retry: true,
      customerId: who.customerId,
    });
    return body.claimAccountCode;
  }

  async listProfiles(who: Who): Promise<WiseV2Profile[]> {
    return (await this.http.request<WiseV2Profile[]>({ method: 'GET', path: '/v2/profiles', token: who.token, retry: true, customerId: who.customerId })).body;
  }

  async getProfile(who: Who, profileId: number): Promise<WiseV2Profile> {
    return (
      await this.http.request<WiseV2Profile>({
        method: 'GET',
        path: `/v2/profiles/${profileId}`,
        pathTemplate: '/v2/profiles/{profileId}',
        token: who.token,
        retry: true,
        customerId: who.customerId,
      })
    ).body;
  }

  /** Safe to retry: the X-idempotence-uuid makes a repeat return the same profile. */
  async createPersonalProfile(who: Who, input: PersonalProfileInput, idempotenceUuid: string): Promise<{ id: number }> {
    const { body } = await this.http.request<{ id: number }>({
      method: 'POST',
      path: '/v2/profiles/personal-profile',
      token: who.token,
      json: input,
      headers: { 'X-idempotence-uuid': idempotenceUuid },
      retry: true,
      customerId: who.customerId,
    });
    return body;
  }

  async createBusinessProfile(who: Who, input: BusinessProfileInput, idempotenceUuid: string): Promise<WiseV2Profile> {
    const { body } = await this.http.request<WiseV2Profile>({
      method: 'POST',
      path: '/v2/profiles/business-profile',
      token: who.token,
      json: input,
      headers: { 'X-idempotence-uuid': idempotenceUuid },
      retry: true,
      customerId: who.customerId,
    });
    return body;
  }

  async verificationCheck(who: Who, profileId: number, sourceCurrencies: string[]): Promise<VerificationCheck> {
    const { body } = await this.http.request<VerificationCheck>({
      method: 'POST',
      path: `/v3/profiles/${profileId}/verification-status/bank-transfer`,
      pathTemplate: '/v3/profiles/{profileId}/verification-status/bank-transfer',
      query: { source_currencies: sourceCurrencies.join(',') },
      token: who.token,
      retry: true,
      customerId: who.customerId,
    });
    return body;
  }
}
