/** Every transfer state in Wise's reference (shared/wise-api transfers.md §6), in Wise's words. */
export const TRANSFER_STATES = [
  'incoming_payment_waiting',
  'incoming_payment_initiated',
  'waiting_recipient_input_to_proceed',
  'processing',
  'funds_converted',
  'outgoing_payment_sent',
  'cancelled',
  'funds_refunded',
  'bounced_back',
  'charged_back',
  'unknown',
] as const;
