/** Calls the date/time functions by name, as the engine would, with a fixed clock. */
import type { FunctionContext, ScalarOverload } from '../../../../../engine/functions/types.js';
import { datetimeFunctions } from '../../../../../engine/functions/scalar/datetime/index.js';

/** 2023-11-14T22:13:20Z. */
export const NOW_MS = 1_700_000_000_000;

export const context: FunctionContext = { nowMs: () => NOW_MS, properties: {} };

export function overload(name: string, arity: number): ScalarOverload {
  const fn = datetimeFunctions.find((f) => f.name === name);
  if (fn === undefined) throw new Error(`no function ${name}`);
  const found = fn.overloads.find((o) => o.params.length === arity);
  if (found === undefined) throw new Error(`no ${arity}-argument overload of ${name}`);
  return found;
}

/** Calls the overload of `name` with as many parameters as arguments given. */
export function call(name: string, ...args: unknown[]): unknown {
  const o = overload(name, args.length);
  return o.needsContext ? o.implementation(context, ...args) : o.implementation(...args);
}

/** Epoch ms of a UTC date-time (month 1-12). */
export function utc(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  return date.getTime();
}

/** Days since 1970-01-01 of a UTC date. */
export function days(year: number, month: number, day: number): number {
  return utc(year, month, day) / 86_400_000;
}
