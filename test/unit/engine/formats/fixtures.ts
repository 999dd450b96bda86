/** Shared imports for the engine/formats tests (through the modules' index files). */
export * from '../../../../engine/formats/index.js';
export {
  ARRAY_OF_INT,
  BIGINT,
  BOOLEAN,
  BYTES,
  DATE,
  DOUBLE,
  Decimal,
  INTEGER,
  STRING,
  TIME,
  TIMESTAMP,
  arrayType,
  decimalType,
  isSluiceError,
  mapType,
  structType,
  type SqlType,
} from '../types/fixtures.js';
import { createSerde, type SerdeColumn, type SerdeOptions, type RowSerde } from '../../../../engine/formats/index.js';

export const B = (s: string): Buffer => Buffer.from(s, 'utf8');

export function serde(format: string, columns: SerdeColumn[], extra: Partial<SerdeOptions> = {}): RowSerde {
  return createSerde({ target: 'value', format, columns, topic: 't', ...extra });
}

/** The thrown error's code and message, or null when fn does not throw. */
export function errorOf(fn: () => unknown): { code: string; message: string } | null {
  try {
    fn();
    return null;
  } catch (e) {
    return { code: (e as { code?: string }).code ?? 'none', message: (e as Error).message };
  }
}
