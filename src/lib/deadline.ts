/**
 * An abort signal that fires after `ms` with a `TimeoutError` naming the wait, and is cleared
 * once the call it guards has its answer.
 *
 * Not AbortSignal.timeout: its timer outlives a call answered in milliseconds by the whole
 * wait, then fires on a finished request's signal. Under load that was thousands of pending
 * timers and live signals, promoted and collected in old space (the Wise client after the
 * bench's Wise-heavy phase; the simulator's webhook deliveries every few seconds —
 * bench/README.md).
 */
export function deadline(ms: number): { signal: AbortSignal; clear(): void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException(`no answer within ${ms} ms`, 'TimeoutError')), ms);
  // A pending call keeps the process alive through its socket; its deadline need not.
  timer.unref();
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}
