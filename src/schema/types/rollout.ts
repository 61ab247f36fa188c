import { Field, ObjectType, registerEnumType } from 'type-graphql';

export enum NotOfferedReasonEnum {
  CUSTOMER_NOT_IN_PILOT = 'CUSTOMER_NOT_IN_PILOT',
  ROUTE_NOT_OFFERED = 'ROUTE_NOT_OFFERED',
}
registerEnumType(NotOfferedReasonEnum, {
  name: 'NotOfferedReason',
  description: 'Why Wise is not offered (the bank is rolling it out step by step).',
  valuesConfig: {
    CUSTOMER_NOT_IN_PILOT: { description: 'The bank offers Wise to a pilot group of customers for now; this customer is not in it.' },
    ROUTE_NOT_OFFERED: { description: 'The bank does not offer this currency route yet; `routes` lists those it does.' },
  },
});

@ObjectType('CurrencyRoute', { simpleResolvers: true, description: 'A source → target currency pair the customer may send.' })
export class CurrencyRouteType {
  @Field(() => String)
  sourceCurrency!: string;

  @Field(() => String)
  targetCurrency!: string;
}

@ObjectType('WiseAvailability', {
  simpleResolvers: true,
  description: 'Whether the bank offers Wise transfers to this customer yet, and on which routes. Refusals carry extensions.code NOT_OFFERED with the same reason.',
})
export class WiseAvailabilityType {
  @Field(() => Boolean)
  offered!: boolean;

  @Field(() => NotOfferedReasonEnum, { nullable: true, description: 'Set when not offered.' })
  reason?: NotOfferedReasonEnum | null;

  @Field(() => [CurrencyRouteType], { nullable: true, description: 'The routes the customer may use; null means every route Wise supports.' })
  routes?: CurrencyRouteType[] | null;
}
