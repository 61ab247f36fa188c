import { Field, ObjectType } from 'type-graphql';
import { CurrencyCodeScalar, DecimalScalar } from './scalars.js';

@ObjectType('Money', { simpleResolvers: true, description: 'An amount with its currency; the amount is a decimal string.' })
export class Money {
  @Field(() => DecimalScalar)
  amount!: string;

  @Field(() => CurrencyCodeScalar)
  currency!: string;
}
