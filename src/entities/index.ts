import { BankCustomer } from './BankCustomer.js';

/** Every entity, registered with the ORM in one place. */
export const entities = [BankCustomer];

export { BankCustomer };
