/**
 * Windowed keys on the wire, as Kafka Streams writes them for ksqlDB:
 * - time windows (TUMBLING, HOPPING): inner key bytes, then the window start (8-byte big-endian ms);
 *   the end is not on the wire — it is start + window size;
 * - session windows: inner key bytes, then the window end, then the window start (8 bytes each).
 */

import { SluiceError } from '../../common/index.js';
import { readInt64BE, writeInt64BE } from './kafka.js';
import type { RowSerde } from './serde.js';

export type WindowType = 'TUMBLING' | 'HOPPING' | 'SESSION';

export interface WindowBounds {
  readonly start: number;
  readonly end: number;
}

export interface WindowedKey {
  readonly key: unknown[] | null;
  readonly window: WindowBounds;
}

export interface WindowedKeySerde {
  readonly windowType: WindowType;
  serialize(key: readonly unknown[] | null, window: WindowBounds): Buffer;
  deserialize(bytes: Buffer): WindowedKey;
}

const EMPTY = Buffer.alloc(0);
const LONG_MAX = 9223372036854775807;

/**
 * Wraps a key serde for windowed keys. `windowSizeMs` is required for time windows (it gives the
 * window end on read).
 */
export function windowedKeySerde(inner: RowSerde, windowType: WindowType, windowSizeMs?: number): WindowedKeySerde {
  if (windowType !== 'SESSION' && (windowSizeMs === undefined || !(windowSizeMs > 0))) {
    throw new SluiceError('INTERNAL_ASSERTION', `A ${windowType} windowed key serde needs a positive window size`, {
      expected: 'windowSizeMs > 0',
      found: String(windowSizeMs),
    });
  }
  if (windowType === 'SESSION') {
    return {
      windowType,
      serialize(key, window) {
        const k = inner.serialize(key) ?? EMPTY;
        const out = Buffer.allocUnsafe(k.length + 16);
        k.copy(out, 0);
        writeInt64BE(out, window.end, k.length);
        writeInt64BE(out, window.start, k.length + 8);
        return out;
      },
      deserialize(bytes) {
        if (bytes.length < 16) throw tooShort(bytes.length, 16);
        const n = bytes.length - 16;
        const end = readInt64BE(bytes, n);
        const start = readInt64BE(bytes, n + 8);
        return { key: inner.deserialize(bytes.subarray(0, n)), window: { start, end } };
      },
    };
  }
  const size = windowSizeMs!;
  return {
    windowType,
    serialize(key, window) {
      const k = inner.serialize(key) ?? EMPTY;
      const out = Buffer.allocUnsafe(k.length + 8);
      k.copy(out, 0);
      writeInt64BE(out, window.start, k.length);
      return out;
    },
    deserialize(bytes) {
      if (bytes.length < 8) throw tooShort(bytes.length, 8);
      const n = bytes.length - 8;
      const start = readInt64BE(bytes, n);
      const end = start > LONG_MAX - size ? LONG_MAX : start + size;
      return { key: inner.deserialize(bytes.subarray(0, n)), window: { start, end } };
    },
  };
}

function tooShort(found: number, needed: number): SluiceError {
  return new SluiceError('ENGINE_SERDE', `Windowed key too short: expected at least ${needed} bytes, found ${found}`, {
    expected: `>= ${needed} bytes`,
    found: String(found),
  });
}
