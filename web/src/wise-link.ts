/**
 * Coming back from Wise's authorization page in a popup. window.opener does not survive every
 * trip through other sites (a Cross-Origin-Opener-Policy on the way cuts it), so the page that
 * opens the popup leaves a note in localStorage, and the popup sends the outcome back over a
 * BroadcastChannel (same origin only) before it closes.
 */
export type LinkOutcome = { outcome: string | null; reason: string | null };

const NOTE = 'wise-link-popup';
const CHANNEL = 'wise-link';

/** Called by the page, in the click, just before it opens the popup. */
export function notePopupOpened(): void {
  localStorage.setItem(NOTE, String(Date.now()));
}

/** Whether this window is the Wise popup, come back. */
export function isWiseLinkPopup(): boolean {
  const opened = Number(localStorage.getItem(NOTE) ?? 0);
  return Boolean(window.opener && window.opener !== window) || Date.now() - opened < 15 * 60_000;
}

export function reportOutcome(outcome: LinkOutcome): void {
  localStorage.removeItem(NOTE);
  const channel = new BroadcastChannel(CHANNEL);
  channel.postMessage({ type: 'wise-link', ...outcome });
  channel.close();
}

/** The popup's outcome; returns the unsubscribe. */
export function onWiseLinkOutcome(handle: (outcome: LinkOutcome) => void): () => void {
  const channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = (event: MessageEvent) => {
    const data = event.data as { type?: string } & LinkOutcome;
    if (data?.type === 'wise-link') handle({ outcome: data.outcome, reason: data.reason });
  };
  return () => channel.close();
}
