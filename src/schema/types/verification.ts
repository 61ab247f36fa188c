import { Field, ID, ObjectType } from 'type-graphql';
import { VerificationRouteType } from './onboarding.js';

@ObjectType('Verification', { description: "A profile's verification gate: transfers are allowed when verified, or up to maximumEntitledAmount while not." })
export class VerificationType {
  @Field(() => ID)
  profileId!: string;

  @Field(() => Boolean, { description: 'Verified for at least one source currency, or allowed to send an amount while not.' })
  canTransfer!: boolean;

  @Field(() => [VerificationRouteType], { description: 'Per source currency the bank uses.' })
  routes!: VerificationRouteType[];

  @Field(() => Date, { nullable: true, description: 'When it was last read from Wise (webhooks update it in between).' })
  syncedAt!: Date | null;

  @Field(() => String, { nullable: true, description: "On verificationChanged: the event's place in the customer's sequence (pass it as `after` to resume). Null on the query." })
  sequence?: string | null;
}

