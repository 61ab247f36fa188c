import type { Customer as BankCustomer } from '../ports/customer-directory.js';
import { toGlobalId } from '../schema/ids.js';
import type { BankAccount, Customer } from '../schema/viewer.js';
import { amountString } from '../domain/money.js';

export function toCustomer(customer: BankCustomer): Customer {
  return {
    id: toGlobalId('Customer', customer.id),
    bankCustomerId: customer.id,
    email: customer.email,
    givenName: customer.givenName,
    familyName: customer.familyName,
    dateOfBirth: customer.dateOfBirth,
    address: { ...customer.address, postCode: customer.address.postCode ?? null, stateCode: customer.address.stateCode ?? null },
    phone: customer.phone,
  };
}

export function toBankAccount(customerId: string, currency: string, available: string): BankAccount {
  return { id: toGlobalId('BankAccount', `${customerId}:${currency}`), currency, availableBalance: { amount: amountString(available, currency), currency } };
}
