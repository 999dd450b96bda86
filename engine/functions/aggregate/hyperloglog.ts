/**
 * The HyperLogLog COUNT_DISTINCT uses, bit for bit as ksqlDB's (stream-lib's HyperLogLog with
 * log2m = 14 over a RegisterSet, values hashed by stream-lib's MurmurHash.hash(Object)), so
 * estimates and stored registers match ksqlDB's.
 *
 * Registers: 2^14 five-bit registers, six to a 32-bit word, in 2731 words (ksqlDB stores them as
 * the aggregate's ARRAY<INT>). Hashing by the value's Java class: Integer and Long as hashLong,
 * Double as hashLong of its raw bits, String as MurmurHash2 of its UTF-8 bytes (seed -1),
 * anything else as the String of its Java toString() (BigDecimal, Boolean, java.sql dates, lists,
 * maps, structs, and ByteBuffer's `java.nio.HeapByteBuffer[pos=0 lim=n cap=n]`).
 */
import type { SqlType } from './deps.js';
import { javaToString } from './deps.js';

const LOG2M = 14;
const REGISTER_COUNT = 1 << LOG2M;
const REGISTERS_PER_WORD = 6;
const REGISTER_BITS = 5;
/** RegisterSet.getSizeForCount(2^14). */
export const HLL_WORDS = Math.floor(REGISTER_COUNT / REGISTERS_PER_WORD) + 1;
const ALPHA_MM = (0.7213 / (1 + 1.079 / REGISTER_COUNT)) * REGISTER_COUNT * REGISTER_COUNT;
const M = 0x5bd1e995;

function signedByte(b: number): number {
  return (b << 24) >> 24;
}

/** stream-lib MurmurHash.hash(byte[], length, seed): MurmurHash2, 32-bit. */
export function murmurHashBytes(data: Uint8Array, seed = -1): number {
  const length = data.length;
  let h = seed ^ length;
  const len4 = length >> 2;
  for (let i = 0; i < len4; i++) {
    const i4 = i << 2;
    let k = data[i4]! | (data[i4 + 1]! << 8) | (data[i4 + 2]! << 16) | (data[i4 + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }
  const left = length - (len4 << 2);
  if (left !== 0) {
    if (left >= 3) h ^= signedByte(data[length - 3]!) << 16;
    if (left >= 2) h ^= signedByte(data[length - 2]!) << 8;
    if (left >= 1) h ^= signedByte(data[length - 1]!);
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** stream-lib MurmurHash.hashLong of the 64-bit value with these low and high words. */
export function murmurHashLong(low: number, high: number): number {
  let h = 0;
  let k = Math.imul(low | 0, M);
  k ^= k >>> 24;
  h ^= Math.imul(k, M);
  k = Math.imul(high | 0, M);
  k ^= k >>> 24;
  h = Math.imul(h, M);
  h ^= Math.imul(k, M);
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

const doubleView = new DataView(new ArrayBuffer(8));

function hashInteger(n: number): number {
  // (int) data and (int) (data >> 32) of a Java long holding n (exact for safe integers)
  return murmurHashLong(n | 0, Math.floor(n / 4294967296) | 0);
}

function hashDouble(d: number): number {
  doubleView.setFloat64(0, d);
  return murmurHashLong(doubleView.getInt32(4), doubleView.getInt32(0));
}

function hashString(s: string): number {
  return murmurHashBytes(Buffer.from(s, 'utf8'));
}

/** MurmurHash.hash(Object) for a value of SQL type `type` (never null here). */
export function hasherFor(type: SqlType): (value: unknown) => number {
  switch (type.kind) {
    case 'INTEGER':
    case 'BIGINT':
      return (v) => hashInteger(v as number);
    case 'DOUBLE':
      return (v) => hashDouble(v as number);
    case 'STRING':
      return (v) => hashString(v as string);
    default:
      return (v) => hashString(javaToString(v, type));
  }
}

export function emptyRegisters(): number[] {
  return new Array<number>(HLL_WORDS).fill(0);
}

/** HyperLogLog.offerHashed(int): updates the register the hash picks. */
export function offerHashed(registers: number[], hash: number): void {
  const j = hash >>> (32 - LOG2M);
  const r = Math.clz32((hash << LOG2M) | ((1 << (LOG2M - 1)) + 1)) + 1;
  const bucket = (j / REGISTERS_PER_WORD) | 0;
  const shift = REGISTER_BITS * (j - bucket * REGISTERS_PER_WORD);
  const mask = 0x1f << shift;
  const word = registers[bucket]!;
  const value = r << shift;
  if ((word & mask) < value) registers[bucket] = (word & ~mask) | value;
}

/** RegisterSet.merge: the larger of each register, into `into`. */
export function mergeRegisters(into: number[], other: readonly number[]): number[] {
  for (let bucket = 0; bucket < into.length; bucket++) {
    const a = into[bucket]!;
    const b = other[bucket] ?? 0;
    let word = 0;
    for (let j = 0; j < REGISTERS_PER_WORD; j++) {
      const mask = 0x1f << (REGISTER_BITS * j);
      const x = a & mask;
      const y = b & mask;
      word |= x < y ? y : x;
    }
    into[bucket] = word;
  }
  return into;
}

/** HyperLogLog.cardinality(). */
export function cardinality(registers: readonly number[]): number {
  let registerSum = 0;
  let zeros = 0;
  for (let j = 0; j < REGISTER_COUNT; j++) {
    const bucket = (j / REGISTERS_PER_WORD) | 0;
    const shift = REGISTER_BITS * (j - bucket * REGISTERS_PER_WORD);
    const val = ((registers[bucket] ?? 0) >>> shift) & 0x1f;
    registerSum += 1 / 2 ** val;
    if (val === 0) zeros++;
  }
  const estimate = ALPHA_MM * (1 / registerSum);
  if (estimate <= (5.0 / 2.0) * REGISTER_COUNT) {
    return Math.round(REGISTER_COUNT * Math.log(REGISTER_COUNT / zeros));
  }
  return Math.round(estimate);
}
