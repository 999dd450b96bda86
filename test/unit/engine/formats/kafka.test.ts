import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BIGINT, BYTES, DOUBLE, INTEGER, STRING, errorOf, readInt64BE, serde, writeInt64BE } from './fixtures.js';

describe('KAFKA format', () => {
  it('INTEGER is 4 bytes big-endian', () => {
    const s = serde('KAFKA', [{ name: 'V', type: INTEGER }]);
    expect(s.serialize([-2])!.toString('hex')).toBe('fffffffe');
    expect(s.deserialize(Buffer.from('00000102', 'hex'))).toEqual([258]);
    expect(errorOf(() => s.deserialize(Buffer.from('0001', 'hex')))).toEqual({
      code: 'ENGINE_SERDE',
      message: 'Error deserializing KAFKA message from topic: t: Size of data received by IntegerDeserializer is not 4',
    });
  });

  it('BIGINT is 8 bytes big-endian', () => {
    const s = serde('KAFKA', [{ name: 'V', type: BIGINT }]);
    expect(s.serialize([1])!.toString('hex')).toBe('0000000000000001');
    expect(s.serialize([-1])!.toString('hex')).toBe('ffffffffffffffff');
    expect(s.serialize([2 ** 40 + 5])!.toString('hex')).toBe('0000010000000005');
    expect(errorOf(() => s.deserialize(Buffer.alloc(4)))!.message).toMatch(/LongDeserializer is not 8/);
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        const b = Buffer.alloc(8);
        writeInt64BE(b, n, 0);
        expect(b.readBigInt64BE(0)).toBe(BigInt(n));
        expect(readInt64BE(b, 0)).toBe(n);
      }),
    );
  });

  it('DOUBLE is 8 bytes IEEE-754 big-endian', () => {
    const s = serde('KAFKA', [{ name: 'V', type: DOUBLE }]);
    expect(s.serialize([1.5])!.toString('hex')).toBe('3ff8000000000000');
    expect(s.deserialize(s.serialize([2.2]))).toEqual([2.2]);
    expect(errorOf(() => s.deserialize(Buffer.alloc(3)))!.message).toMatch(/Size of data received by Deserializer is not 8/);
  });

  it('STRING is UTF-8, BYTES raw', () => {
    const s = serde('KAFKA', [{ name: 'V', type: STRING }]);
    expect(s.deserialize(Buffer.from('héllo'))).toEqual(['héllo']);
    expect(s.serialize(['bar'])!.toString()).toBe('bar');
    expect(s.deserialize(Buffer.alloc(0))).toEqual(['']);
    const b = serde('KAFKA', [{ name: 'V', type: BYTES }]);
    expect((b.deserialize(Buffer.from('abc'))![0] as Buffer).toString()).toBe('abc');
  });

  it('null bytes ⇄ null row; a null single value is a tombstone', () => {
    const s = serde('KAFKA', [{ name: 'V', type: INTEGER }]);
    expect(s.deserialize(null)).toBeNull();
    expect(s.serialize(null)).toBeNull();
    expect(s.serialize([null])).toBeNull();
  });

  it('no columns: void serde', () => {
    const s = serde('KAFKA', [], { target: 'key' });
    expect(s.serialize([])).toBeNull();
    expect(s.deserialize(Buffer.from('anything'))).toEqual([]);
    expect(s.deserialize(null)).toEqual([]);
  });
});
