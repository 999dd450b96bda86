import { describe, expect, it } from 'vitest';
import { STRING, errorOf, serde, windowedKeySerde } from './fixtures.js';

describe('windowed keys', () => {
  const inner = serde('KAFKA', [{ name: 'K', type: STRING }], { target: 'key' });

  it('time windows: key bytes + 8-byte start; end = start + size', () => {
    const w = windowedKeySerde(inner, 'TUMBLING', 1000);
    const bytes = w.serialize(['a'], { start: 2000, end: 3000 });
    expect(bytes.toString('hex')).toBe('61' + '00000000000007d0');
    expect(w.deserialize(bytes)).toEqual({ key: ['a'], window: { start: 2000, end: 3000 } });
  });

  it('session windows: key bytes + end + start', () => {
    const w = windowedKeySerde(inner, 'SESSION');
    const bytes = w.serialize(['ab'], { start: 1, end: 2 });
    expect(bytes.toString('hex')).toBe('6162' + '0000000000000002' + '0000000000000001');
    expect(w.deserialize(bytes)).toEqual({ key: ['ab'], window: { start: 1, end: 2 } });
  });

  it('checks sizes', () => {
    expect(() => windowedKeySerde(inner, 'HOPPING')).toThrow(/window size/);
    expect(errorOf(() => windowedKeySerde(inner, 'SESSION').deserialize(Buffer.alloc(15)))!.code).toBe('ENGINE_SERDE');
  });
});
