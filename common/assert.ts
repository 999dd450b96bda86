import { SluiceError } from './errors.js';

/** Invariant check: a failure is our bug, never the user's. */
export function assert(condition: unknown, message: string, details?: Record<string, unknown>): asserts condition {
  if (!condition) {
    throw new SluiceError('INTERNAL_ASSERTION', `assertion failed: ${message}`, details ?? {});
  }
}

export function assertNever(value: never, what = 'value'): never {
  throw new SluiceError('INTERNAL_ASSERTION', `unhandled ${what}: ${JSON.stringify(value)}`);
}

export function assertInteger(value: number, what: string, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new SluiceError('INTERNAL_ASSERTION', `assertion failed: ${what} must be an integer in [${min}, ${max}], found ${value}`);
  }
}
