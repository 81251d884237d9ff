export interface Clock {
  now(): Date
}

export const systemClock: Clock = { now: () => new Date() }

/** A clock tests can move by hand. */
export class ManualClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current)
  }
  set(d: Date): void {
    this.current = new Date(d)
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms)
  }
}
