// At most `burst` requests per key in any window of `windowMs`; the rest are told when to retry.

export class RateLimiter {
  private readonly seen = new Map<string, number[]>();

  constructor(
    private readonly burst: number,
    private readonly windowMs = 60_000,
  ) {}

  /** Counts a request; undefined if it may go ahead, else the milliseconds until one may. */
  take(key: string, now: number): number | undefined {
    const recent = (this.seen.get(key) ?? []).filter((at) => now - at < this.windowMs);
    if (recent.length >= this.burst) {
      this.seen.set(key, recent);
      return Math.max(1, recent[0]! + this.windowMs - now);
    }
    recent.push(now);
    this.seen.set(key, recent);
    return undefined;
  }
}
