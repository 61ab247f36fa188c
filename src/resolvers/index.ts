/** Every resolver of the API; the schema is built from these where the gateway is composed (src/gateway.ts). */
import { NodeResolver } from './node.resolver.js';
import { OnboardingResolver } from './onboarding.resolver.js';
import { QuotesResolver } from './quotes.resolver.js';
import { RecipientsResolver } from './recipients.resolver.js';
import { TransfersResolver } from './transfers.resolver.js';
import { VerificationResolver } from './verification.resolver.js';
import { ViewerResolver } from './viewer.resolver.js';

export const resolvers = [NodeResolver, ViewerResolver, OnboardingResolver, VerificationResolver, QuotesResolver, RecipientsResolver, TransfersResolver] as const;
