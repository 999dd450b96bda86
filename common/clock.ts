/**
 * Time, behind an interface: engine and storage never call Date.now() or setTimeout directly, so
 * tests can run on simulated time.
 */
export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** Wall-clock milliseconds since the epoch. */
  nowMs(): number;
  /** Monotonic milliseconds, for measuring intervals. */
  monotonicMs(): number;
  /** Calls `callback` after `delayMs`; the returned timer cancels it. */
  setTimer(delayMs: number, callback: () => void): Timer;
  /** Resolves after `delayMs`. */
  sleep(delayMs: number): Promise<void>;
}

export class SystemClock implements Clock {
  nowMs(): number {
    return Date.now();
  }
  monotonicMs(): number {
    return performance.now();
  }
  setTimer(delayMs: number, callback: () => void): Timer {
    const handle = setTimeout(callback, Math.max(0, delayMs));
    handle.unref?.();
    return { cancel: () => clearTimeout(handle) };
  }
  sleep(delayMs: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, delayMs)));
  }
}

interface PendingTimer {
  dueMs: number;
  sequence: number;
  callback: () => void;
  cancelled: boolean;
}

/** Time that moves only when a test says so. Timers fire in due order during `advance`. */
export class SimulatedClock implements Clock {
  private currentMs: number;
  private sequence = 0;
  private pending: PendingTimer[] = [];

  constructor(startMs = 0) {
    this.currentMs = startMs;
  }
  nowMs(): number {
    return this.currentMs;
  }
  monotonicMs(): number {
    return this.currentMs;
  }
  setTimer(delayMs: number, callback: () => void): Timer {
    const timer: PendingTimer = { dueMs: this.currentMs + Math.max(0, delayMs), sequence: this.sequence++, callback, cancelled: false };
    this.pending.push(timer);
    return { cancel: () => { timer.cancelled = true; } };
  }
  sleep(delayMs: number): Promise<void> {
    return new Promise((resolve) => this.setTimer(delayMs, resolve));
  }
  /** Moves time forward by `deltaMs`, firing every timer that falls due, in order. */
  advance(deltaMs: number): void {
    const targetMs = this.currentMs + deltaMs;
    for (;;) {
      const due = this.pending
        .filter((t) => !t.cancelled && t.dueMs <= targetMs)
        .sort((a, b) => a.dueMs - b.dueMs || a.sequence - b.sequence)[0];
      if (!due) break;
      this.currentMs = due.dueMs;
      due.cancelled = true;
      due.callback();
    }
    this.pending = this.pending.filter((t) => !t.cancelled);
    this.currentMs = targetMs;
  }
  /** Sets the time directly (never backwards), firing due timers. */
  set(ms: number): void {
    if (ms > this.currentMs) this.advance(ms - this.currentMs);
  }
  pendingTimers(): number {
    return this.pending.filter((t) => !t.cancelled).length;
  }
}

export const systemClock: Clock = new SystemClock();
