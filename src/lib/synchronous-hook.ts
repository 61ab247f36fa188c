/**
 * An Apollo plugin hook that does its work at once. Apollo's types ask every hook for a
 * promise, but Apollo awaits whatever a hook returns (`Promise.all` over the plugins); an
 * `async` hook would make one promise per hook per request for nothing — measurable on the
 * hooks every request runs (bench/README.md, "3 December 2026, late night").
 */
export function synchronous<A extends unknown[], R>(hook: (...args: A) => R): (...args: A) => Promise<R> {
  return hook as unknown as (...args: A) => Promise<R>;
}
