/**
 * Every transfer state Wise has (shared/wise-api transfers.md §6), in Wise's words, once: its
 * place in Wise's usual order, whether it is final, whether it returns the money to the sender,
 * whether Wise still lets it be cancelled, and how it is described (GraphQL) and labelled (apps).
 * Adding a state is one row here; the GraphQL enum, the labels, the ordering, the sweep and the
 * refund rule all read it. (The simulator keeps its own beliefs about Wise: src/simulator/.)
 */
export type TransferStateInfo = {
  /** Wise's usual order, to order two states dated to the same second. */
  rank: number;
  /** Nothing normally happens after it (a sent transfer may still bounce: swept less). */
  final: boolean;
  /**
   * The money is on its way back to the sender: the bank customer gets it back (once). Not
   * `bounced_back`: Wise then holds the money and will either re-send the payout or refund it
   * (transfers.md) — crediting at the bounce would pay the customer back for a payout Wise may
   * still make. A funded transfer that is cancelled is refunded (`cancelled → funds_refunded`).
   */
  returnsMoney: boolean;
  /** Wise still accepts a cancel (transfers.md: before the money is converted). */
  cancellable: boolean;
  /** The GraphQL enum value's description. */
  description: string;
  /** What an app shows the customer. */
  label: string;
};

/** Key order is the GraphQL enum's order. */
const CATALOGUE = {
  incoming_payment_waiting: {
    rank: 0,
    final: false,
    returnsMoney: false,
    cancellable: true,
    description: 'Created; waiting for funding.',
    label: 'On its way to Wise',
  },
  incoming_payment_initiated: {
    rank: 1,
    final: false,
    returnsMoney: false,
    cancellable: true,
    description: 'Funding started; the money is not at Wise yet.',
    label: 'On its way to Wise',
  },
  waiting_recipient_input_to_proceed: {
    rank: 1,
    final: false,
    returnsMoney: false,
    cancellable: true,
    description: 'Email recipients: waiting for their bank details.',
    label: 'Waiting for the recipient',
  },
  processing: {
    rank: 2,
    final: false,
    returnsMoney: false,
    cancellable: true,
    description: 'Wise has the money and is checking the transfer.',
    label: 'Processing',
  },
  funds_converted: {
    rank: 3,
    final: false,
    returnsMoney: false,
    cancellable: false,
    description: 'Checks passed; the money is converted.',
    label: 'Processing',
  },
  outgoing_payment_sent: {
    rank: 4,
    final: true,
    returnsMoney: false,
    cancellable: false,
    description: 'Paid out (normally final).',
    label: 'Sent',
  },
  cancelled: {
    rank: 6,
    final: true,
    returnsMoney: true,
    cancellable: false,
    description: 'Cancelled; funded money is returned.',
    label: 'Cancelled',
  },
  funds_refunded: {
    rank: 7,
    final: true,
    returnsMoney: true,
    cancellable: false,
    description: 'The money went back to the sender.',
    label: 'Refunded',
  },
  bounced_back: {
    rank: 5,
    final: false,
    returnsMoney: false,
    cancellable: false,
    description: "The recipient's bank returned the payout; Wise holds the money and will re-send it or refund it (FUNDS_REFUNDED).",
    label: 'Bounced back',
  },
  charged_back: {
    rank: 8,
    final: true,
    returnsMoney: false,
    cancellable: false,
    description: 'The payer reclaimed the money.',
    label: 'Charged back',
  },
  unknown: {
    rank: 9,
    final: false,
    returnsMoney: false,
    cancellable: false,
    description: 'Wise lacks information to finish, or a state this gateway does not know yet.',
    label: 'Unknown',
  },
} as const satisfies Record<string, TransferStateInfo>;

export type TransferState = keyof typeof CATALOGUE;

/** Every state, in the catalogue's order. */
export const TRANSFER_STATES = Object.keys(CATALOGUE) as TransferState[];

export function isTransferState(state: string): state is TransferState {
  return Object.hasOwn(CATALOGUE, state);
}

/** A state Wise adds later is read as `unknown` until it has its row. */
export function stateInfo(state: string): TransferStateInfo {
  return isTransferState(state) ? CATALOGUE[state] : CATALOGUE.unknown;
}

export const FINAL_STATES: readonly TransferState[] = TRANSFER_STATES.filter((s) => CATALOGUE[s].final);
export const returnsMoney = (state: string): boolean => stateInfo(state).returnsMoney;
export const rankOf = (state: string): number => stateInfo(state).rank;
export const labelOf = (state: string): string => stateInfo(state).label;
