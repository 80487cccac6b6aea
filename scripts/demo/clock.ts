/**
 * The demo service's clock: real time minus an offset that the story shrinks as
 * it moves forward, so the story starts weeks in the past and ends in the
 * present. It never runs backwards (the offset only shrinks, real time only
 * grows), and once the story is told it is the real clock.
 */
export class DemoClock {
  private offset: number;

  constructor(
    startOffsetMs: number,
    private readonly real: () => number = Date.now,
  ) {
    this.offset = startOffsetMs;
  }

  now = (): number => this.real() - this.offset;

  advance(ms: number): void {
    this.offset = Math.max(0, this.offset - ms);
  }

  /** From now on, real time. */
  finish(): void {
    this.offset = 0;
  }
}
