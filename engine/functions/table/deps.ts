/**
 * Everything the table functions take from outside engine/functions, in one place: SQL types and
 * values (engine/types) and the error catalogue (common).
 */
export { SluiceError } from '../../../common/index.js';
export type { SqlType } from '../../types/index.js';
export {
  BOOLEAN,
  INTEGER,
  BIGINT,
  DOUBLE,
  STRING,
  decimalType,
  structType,
  Decimal,
  javaToString,
  javaDoubleToString,
  javaLongToString,
} from '../../types/index.js';
