/**
 * common/ — the bottom layer, imported by every other: the error catalogue, assertions, the
 * Clock (real or simulated) and the limits. It imports nothing from the project.
 */
export { catalogue, SluiceError, mismatch, isSluiceError } from './errors.js';
export type { Actor, ErrorSpec, ErrorCode, ErrorDetails } from './errors.js';
export { assert, assertNever, assertInteger } from './assert.js';
export { SystemClock, SimulatedClock, systemClock } from './clock.js';
export type { Clock, Timer } from './clock.js';
export { defaultLimits, withLimits } from './limits.js';
export type { Limits } from './limits.js';
