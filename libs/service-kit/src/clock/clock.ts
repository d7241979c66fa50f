/**
 * The service's notion of "now": the system time plus an offset that is always 0 in
 * production. Outside production, tests and demos move it forward (PUT /internal/clock)
 * to see deadlines pass, legal holds and proof periods end without waiting months or
 * years. A service's business times (receipt, due dates, closure, respondBy, the schedules
 * of deadlines, holds and minimisation) read it; event envelopes keep the real time. One
 * offset per process (a test with two instances sets both).
 */
import { Injectable } from '@nestjs/common';

/** ±200 years: any legal period, and no Date overflow. */
export const MAX_CLOCK_OFFSET_MS = 200 * 366 * 86_400_000;

@Injectable()
export class Clock {
  private offsetMs = 0;
  private readonly listeners: Array<() => void> = [];

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  get offset(): number {
    return this.offsetMs;
  }

  /** Moves the clock (outside production only: the controller refuses it there). */
  setOffset(offsetMs: number): void {
    if (!Number.isSafeInteger(offsetMs) || Math.abs(offsetMs) > MAX_CLOCK_OFFSET_MS)
      throw new RangeError(`clock offset out of range: ${offsetMs}`);
    this.offsetMs = offsetMs;
    // The schedules look again at once: time jumped, something may be due now.
    for (const listener of this.listeners) listener();
  }

  /** Called whenever the offset changes (the periodic jobs run at once). */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }
}
