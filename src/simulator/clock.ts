/** The simulator's clock; tests move it forward to expire codes, quotes and tokens. */
export class Clock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  nowMs(): number {
    return Date.now() + this.offsetMs;
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

/** Wise's transfer timestamp format: "YYYY-MM-DD HH:mm:ss", UTC, no zone. */
export function transferTimestamp(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/** Quote and webhook timestamps: ISO-8601 UTC with seconds precision. */
export function isoSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** v2 profile timestamps: local date-time without zone. */
export function localDateTime(date: Date): string {
  return date.toISOString().slice(0, 23);
}
