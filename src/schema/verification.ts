import { Field, ID, ObjectType } from 'type-graphql';
import { VerificationRoute } from './onboarding.js';
import { Node } from './relay.js';

@ObjectType('Verification', {
  implements: Node,
  description: "A profile's verification gate: transfers are allowed when verified, or up to maximumEntitledAmount while not. One per profile (a stable id): verificationChanged pushes update it in place.",
})
export class Verification extends Node {
  @Field(() => ID, { description: 'The WiseProfile it belongs to.' })
  profileId!: string;

  @Field(() => Boolean, { description: 'Verified for at least one source currency, or allowed to send an amount while not.' })
  canTransfer!: boolean;

  @Field(() => [VerificationRoute], { description: 'Per source currency the bank uses.' })
  routes!: VerificationRoute[];

  @Field(() => Date, { nullable: true, description: 'When it was last read from Wise (webhooks update it in between).' })
  syncedAt!: Date | null;

  @Field(() => String, { nullable: true, description: "On verificationChanged: the event's place in the customer's sequence (pass it as `after` to resume). Null on the query." })
  sequence?: string | null;
}
