// autocannon ships no types; the bench uses a small part of it.
declare module 'autocannon' {
  const autocannon: (options: Record<string, unknown>) => Promise<unknown> & { on(event: string, listener: (...args: any[]) => void): void };
  export default autocannon;
}
