import { Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { ErrorCode, gatewayError } from '../schema/errors.js';
import { BankAccount, Customer } from '../schema/viewer.js';
import { ledgerTransaction } from '../db/ledger-transaction.js';
import type { Customer as BankCustomer } from '../ports/customer-directory.js';
import type { GatewayContext } from './context.js';
import { toBankAccount, toCustomer } from './viewer.mappers.js';

export async function requireCustomer(ctx: GatewayContext): Promise<BankCustomer> {
  const customer = await ctx.loaders.customerById.load(ctx.viewer.customerId);
  // A valid bank token for a customer the directory does not know: the bank's systems disagree
  // with each other, which the frontend cannot fix.
  if (!customer) throw gatewayError(ErrorCode.FORBIDDEN, 'The bank does not know this customer', { customerId: ctx.viewer.customerId });
  return customer;
}

/** The customer's accounts in the currencies the bank sends from, as its ledger reports them. */
export async function bankAccounts(ctx: GatewayContext): Promise<BankAccount[]> {
  const { ledger, sourceCurrencies } = ctx.services;
  const customerId = ctx.viewer.customerId;
  const tx = ledgerTransaction(ctx.em);
  const balances = await Promise.all(sourceCurrencies.map(async (currency) => [currency, await ledger.available(tx, customerId, currency)] as const));
  return balances.filter(([, available]) => available !== null).map(([currency, available]) => toBankAccount(customerId, currency, available!));
}

@Resolver(() => Customer)
export class ViewerResolver {
  @Query(() => Customer, { description: 'The authenticated bank customer.' })
  async viewer(@Ctx() ctx: GatewayContext): Promise<Customer> {
    return toCustomer(await requireCustomer(ctx));
  }

  @FieldResolver(() => [BankAccount])
  async bankAccounts(@Root() _customer: Customer, @Ctx() ctx: GatewayContext): Promise<BankAccount[]> {
    return bankAccounts(ctx);
  }
}
