/**
 * Typed calls to the Wise Platform API, one method per operation, paths and bodies as in
 * Wise's OpenAPI description. Knows HTTP and Wise; nothing of GraphQL or the database.
 */
import type { WiseHttp } from './http.js';
import type {
  BusinessProfileInput,
  FundingResult,
  PersonalProfileInput,
  RecipientInput,
  VerificationCheck,
  WiseQuote,
  WiseRecipient,
  WiseRequirement,
  WiseTransfer,
  WiseUser,
  WiseV2Profile,
} from './objects.js';

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

  // ---- quotes -------------------------------------------------------------------------------

  /** Safe to retry: a quote costs nothing, and a stray one simply expires. */
  async createQuote(who: Who, profileId: number, body: Record<string, unknown>): Promise<WiseQuote> {
    return (
      await this.http.request<WiseQuote>({
        method: 'POST',
        path: `/v3/profiles/${profileId}/quotes`,
        pathTemplate: '/v3/profiles/{profileId}/quotes',
        token: who.token,
        json: body,
        retry: true,
        customerId: who.customerId,
      })
    ).body;
  }

  async getQuote(who: Who, profileId: number, quoteId: string): Promise<WiseQuote> {
    return (
      await this.http.request<WiseQuote>({
        method: 'GET',
        path: `/v3/profiles/${profileId}/quotes/${quoteId}`,
        pathTemplate: '/v3/profiles/{profileId}/quotes/{quoteId}',
        token: who.token,
        retry: true,
        customerId: who.customerId,
      })
    ).body;
  }

  async patchQuote(who: Who, profileId: number, quoteId: string, body: Record<string, unknown>): Promise<WiseQuote> {
    return (
      await this.http.request<WiseQuote>({
        method: 'PATCH',
        path: `/v3/profiles/${profileId}/quotes/${quoteId}`,
        pathTemplate: '/v3/profiles/{profileId}/quotes/{quoteId}',
        token: who.token,
        json: body,
        contentType: 'application/merge-patch+json',
        retry: true,
        customerId: who.customerId,
      })
    ).body;
  }

  // ---- account requirements and recipients ------------------------------------------------------

  /** The recipient form for a quote, or (without one) for a route; `details` asks for a refresh. */
  async accountRequirements(
    who: Who,
    target: { quoteId: string } | { source: string; target: string; sourceAmount: number },
    details?: { type?: string; details: Record<string, unknown> },
  ): Promise<WiseRequirement[]> {
    const byQuote = 'quoteId' in target;
    return (
      await this.http.request<WiseRequirement[]>({
        method: details ? 'POST' : 'GET',
        path: byQuote ? `/v1/quotes/${target.quoteId}/account-requirements` : '/v1/account-requirements',
        pathTemplate: byQuote ? '/v1/quotes/{quoteId}/account-requirements' : '/v1/account-requirements',
        query: byQuote ? undefined : { source: target.source, target: target.target, sourceAmount: target.sourceAmount },
        headers: { 'Accept-Minor-Version': '1' },
        json: details,
        token: who.token,
        // A refresh POST only reads: safe to repeat.
        retry: true,
        customerId: who.customerId,
      })
    ).body;
  }

  /** Not retried: a repeat would create a second recipient. */
  async createRecipient(who: Who, input: RecipientInput): Promise<WiseRecipient> {
    return (await this.http.request<WiseRecipient>({ method: 'POST', path: '/v1/accounts', token: who.token, json: input, retry: false, customerId: who.customerId })).body;
  }

  async listRecipients(who: Who, profileId: number, seekPosition?: number): Promise<{ content: WiseRecipient[]; seekPositionForNext?: number }> {
    return (
      await this.http.request<{ content: WiseRecipient[]; seekPositionForNext?: number }>({
        method: 'GET',
        path: '/v2/accounts',
        query: { profileId, size: 20, seekPosition, sort: 'id,asc' },
        token: who.token,
        retry: true,
        customerId: who.customerId,
      })
    ).body;
  }

  async getRecipient(who: Who, recipientId: number): Promise<WiseRecipient> {
    return (
      await this.http.request<WiseRecipient>({ method: 'GET', path: `/v2/accounts/${recipientId}`, pathTemplate: '/v2/accounts/{accountId}', token: who.token, retry: true, customerId: who.customerId })
    ).body;
  }

  async listTransfers(who: Who, profileId: number, limit: number, offset = 0): Promise<WiseTransfer[]> {
    return (await this.http.request<WiseTransfer[]>({ method: 'GET', path: '/v1/transfers', query: { profile: profileId, limit, offset }, token: who.token, retry: true, customerId: who.customerId })).body;
  }

  async deleteRecipient(who: Who, recipientId: number): Promise<WiseRecipient> {
    return (
      await this.http.request<WiseRecipient>({
        method: 'DELETE',
        path: `/v2/accounts/${recipientId}`,
        pathTemplate: '/v2/accounts/{accountId}',
        token: who.token,
        retry: true,
        customerId: who.customerId,
      })
    ).body;
  }

  // ---- transfers ----------------------------------------------------------------------------

  async transferRequirements(who: Who, body: { targetAccount: number; quoteUuid: string; details: Record<string, unknown> }): Promise<WiseRequirement[]> {
    return (await this.http.request<WiseRequirement[]>({ method: 'POST', path: '/v1/transfer-requirements', token: who.token, json: body, retry: true, customerId: who.customerId })).body;
  }

  /** Safe to retry: Wise treats a repeat of the same customerTransactionId as the same transfer. */
  async createTransfer(who: Who, body: { targetAccount: number; quoteUuid: string; customerTransactionId: string; details: Record<string, unknown> }): Promise<WiseTransfer> {
    return (await this.http.request<WiseTransfer>({ method: 'POST', path: '/v1/transfers', token: who.token, json: body, retry: true, customerId: who.customerId })).body;
  }

  async getTransfer(who: Who, transferId: number): Promise<WiseTransfer> {
    return (
      await this.http.request<WiseTransfer>({ method: 'GET', path: `/v1/transfers/${transferId}`, pathTemplate: '/v1/transfers/{transferId}', token: who.token, retry: true, customerId: who.customerId })
    ).body;
  }

  async cancelTransfer(who: Who, transferId: number): Promise<WiseTransfer> {
    return (
      await this.http.request<WiseTransfer>({
        method: 'PUT',
        path: `/v1/transfers/${transferId}/cancel`,
        pathTemplate: '/v1/transfers/{transferId}/cancel',
        token: who.token,
        retry: true,
        customerId: who.customerId,
      })
    ).body;
  }

  /**
   * Funds from the balance. A transfer is funded at most once, so a repeat is harmless: retried.
   * With `approval`, the call carries the signed one-time token of an SCA challenge. Returns
   * Wise's answer and how many earlier attempts of this call went unanswered (WiseResponse).
   */
  async fundTransfer(who: Who, profileId: number, transferId: number, approval?: { oneTimeToken: string; signature: string }): Promise<{ payment: FundingResult; unansweredAttempts: number }> {
    const response = await this.http.request<FundingResult>({
      method: 'POST',
      path: `/v3/profiles/${profileId}/transfers/${transferId}/payments`,
      pathTemplate: '/v3/profiles/{profileId}/transfers/{transferId}/payments',
      token: who.token,
      json: { type: 'BALANCE' },
      headers: approval ? { 'x-2fa-approval': approval.oneTimeToken, 'X-Signature': approval.signature } : undefined,
      retry: !approval,
      customerId: who.customerId,
    });
    return { payment: response.body, unansweredAttempts: response.unansweredAttempts };
  }
}
