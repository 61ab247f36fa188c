/**
 * The simulator's own beliefs about Wise's transfer states (shared/wise-api transfers.md §6,
 * simulation.md §1), written apart from the gateway's catalogue (src/domain/transfer-states.ts)
 * on purpose: the simulator plays Wise, and a wrong belief shared by both sides could never be
 * caught by a test. `test/transfer-states.test.ts` compares the two.
 *
 * One row per state: whether Wise still accepts a cancel, and, for the states the sandbox
 * simulation endpoints can move a transfer to, the states that step must follow.
 */
type SimStateInfo = {
  /** `PUT /v1/transfers/{id}/cancel` is allowed (before the money is converted). */
  cancellable: boolean;
  /** `GET /v1/simulation/transfers/{id}/{state}`: the states it must follow; absent if no simulation reaches it. */
  simulatedFrom?: readonly string[];
};

const SIM_TRANSFER_STATES = {
  incoming_payment_waiting: { cancellable: true },
  incoming_payment_initiated: { cancellable: true },
  waiting_recipient_input_to_proceed: { cancellable: true },
  processing: { cancellable: true, simulatedFrom: ['incoming_payment_waiting', 'processing'] },
  funds_converted: { cancellable: false, simulatedFrom: ['processing'] },
  outgoing_payment_sent: { cancellable: false, simulatedFrom: ['funds_converted'] },
  cancelled: { cancellable: false },
  funds_refunded: { cancellable: false, simulatedFrom: ['bounced_back', 'cancelled'] },
  bounced_back: { cancellable: false, simulatedFrom: ['outgoing_payment_sent', 'funds_converted'] },
  charged_back: { cancellable: false },
  unknown: { cancellable: false },
} as const satisfies Record<string, SimStateInfo>;

export type SimTransferState = keyof typeof SIM_TRANSFER_STATES;

export const SIM_TRANSFER_STATE_NAMES = Object.keys(SIM_TRANSFER_STATES) as SimTransferState[];

export function isSimTransferState(state: unknown): state is SimTransferState {
  return typeof state === 'string' && Object.hasOwn(SIM_TRANSFER_STATES, state);
}

export function isCancellable(state: string): boolean {
  return isSimTransferState(state) && SIM_TRANSFER_STATES[state].cancellable;
}

/** The states a simulation step to `state` must follow, or undefined when no simulation reaches it. */
export function simulatedFrom(state: string): readonly string[] | undefined {
  return isSimTransferState(state) ? (SIM_TRANSFER_STATES[state] as SimStateInfo).simulatedFrom : undefined;
}
