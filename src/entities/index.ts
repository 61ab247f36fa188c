import { BankCustomer } from './BankCustomer.js';
import { OAuthState } from './OAuthState.js';
import { WiseLink } from './WiseLink.js';
import { WiseProfile } from './WiseProfile.js';

/** Every entity, registered with the ORM in one place. */
export const entities = [BankCustomer, WiseLink, OAuthState, WiseProfile];

export { BankCustomer, OAuthState, WiseLink, WiseProfile };
