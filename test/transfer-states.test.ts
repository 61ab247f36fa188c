/**
 * The transfer-state catalogue: one row per Wise state, read by everything; and the simulator's
 * own beliefs about Wise, written apart, agreeing with it (a wrong belief on one side shows here).
 */
import { describe, expect, it } from 'vitest';
import { FINAL_STATES, isTransferState, labelOf, rankOf, returnsMoney, stateInfo, TRANSFER_STATES } from '../src/domain/transfer-states.js';
import { isCancellable, SIM_TRANSFER_STATE_NAMES, simulatedFrom } from '../src/simulator/transfer-states.js';

describe('the transfer-state catalogue', () => {
  it("names every state of Wise's reference once", () => {
    expect(new Set(TRANSFER_STATES).size).toBe(TRANSFER_STATES.length);
    expect(TRANSFER_STATES).toEqual(
      expect.arrayContaining(['incoming_payment_waiting', 'processing', 'funds_converted', 'outgoing_payment_sent', 'cancelled', 'funds_refunded', 'bounced_back', 'charged_back', 'unknown']),
    );
  });

  it('gives every state a label and a description', () => {
    for (const state of TRANSFER_STATES) {
      expect(stateInfo(state).label, state).not.toBe('');
      expect(stateInfo(state).description, state).not.toBe('');
    }
  });

  it("orders states in Wise's usual order", () => {
    const order = ['incoming_payment_waiting', 'processing', 'funds_converted', 'outgoing_payment_sent', 'bounced_back', 'cancelled', 'funds_refunded', 'charged_back'];
    expect(order.map(rankOf)).toEqual([...order.map(rankOf)].sort((a, b) => a - b));
    expect(new Set(order.map(rankOf)).size).toBe(order.length);
  });

  it('returns money on a cancel or a refund, never on a bounce', () => {
    expect(TRANSFER_STATES.filter(returnsMoney).sort()).toEqual(['cancelled', 'funds_refunded']);
    expect(returnsMoney('bounced_back')).toBe(false);
  });

  it('treats a paid-out, cancelled, refunded or charged-back transfer as final', () => {
    expect([...FINAL_STATES].sort()).toEqual(['cancelled', 'charged_back', 'funds_refunded', 'outgoing_payment_sent']);
  });

  it('reads a state Wise adds later as unknown, last in the order', () => {
    expect(isTransferState('some_new_state')).toBe(false);
    expect(labelOf('some_new_state')).toBe('Unknown');
    expect(rankOf('some_new_state')).toBe(Math.max(...TRANSFER_STATES.map(rankOf)));
  });
});

describe("the simulator's beliefs about Wise's states", () => {
  it('know the same states as the gateway', () => {
    expect([...SIM_TRANSFER_STATE_NAMES].sort()).toEqual([...TRANSFER_STATES].sort());
  });

  it('allow a cancel exactly where the gateway believes Wise does', () => {
    for (const state of TRANSFER_STATES) expect(isCancellable(state), state).toBe(stateInfo(state).cancellable);
  });

  it("simulate each step after a state that comes before it in the gateway's order", () => {
    for (const state of TRANSFER_STATES) {
      for (const from of simulatedFrom(state) ?? []) {
        if (from === state) continue; // processing may be simulated again
        expect(rankOf(from), `${from} → ${state}`).toBeLessThan(rankOf(state));
      }
    }
  });
});
