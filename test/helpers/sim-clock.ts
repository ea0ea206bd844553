// Simulated time for transport tests: events run in time order, and promise
// continuations settle between events, so async code (the gateway) runs as it
// would, with no real sleeps.
export class SimClock {
  now = 0;
  private queue: { at: number; order: number; run: () => void }[] = [];
  private order = 0;

  at(delayMs: number, run: () => void): void {
    this.queue.push({ at: this.now + Math.max(0, delayMs), order: this.order++, run });
    this.queue.sort((a, b) => a.at - b.at || a.order - b.order);
  }

  /** Run every event up to `until` (absolute ms), letting promises settle after each. */
  async runUntil(until: number): Promise<void> {
    await settle();
    while (this.queue.length && this.queue[0].at <= until) {
      const next = this.queue.shift()!;
      this.now = next.at;
      next.run();
      await settle();
    }
    this.now = Math.max(this.now, until);
  }

  /** Run until `done()` holds or `limitMs` of simulated time has passed; returns done(). */
  async runWhile(done: () => boolean, limitMs: number, stepMs = 100): Promise<boolean> {
    const end = this.now + limitMs;
    while (!done() && this.now < end) await this.runUntil(Math.min(end, this.now + stepMs));
    return done();
  }
}

export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
