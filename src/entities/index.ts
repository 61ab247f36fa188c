import { BankCustomer } from './BankCustomer.js';
import { OAuthState } from './OAuthState.js';
import { Quote } from './Quote.js';
import { Recipient } from './Recipient.js';
import { Transfer } from './Transfer.js';
import { TransferEvent } from './TransferEvent.js';
import { WiseLink } from './WiseLink.js';
import { WiseProfile } from './WiseProfile.js';

/** Every entity, registered with the ORM in one place. */
export const entities = [BankCustomer, WiseLink, OAuthState, WiseProfile, Quote, Recipient, Transfer, TransferEvent];

export { BankCustomer, OAuthState, Quote, Recipient, Transfer, TransferEvent, WiseLink, WiseProfile };
