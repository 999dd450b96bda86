/**
 * Everything the aggregate (and table) functions take from outside engine/functions, in one place:
 * SQL types and values (engine/types) and the error catalogue (common).
 */
export { SluiceError } from '../../../common/index.js';
export type { SqlType, StructField } from '../../types/index.js';
export {
  BOOLEAN,
  INTEGER,
  BIGINT,
  DOUBLE,
  STRING,
  BYTES,
  DATE,
  TIME,
  TIMESTAMP,
  decimalType,
  arrayType,
  mapType,
  structType,
  sqlTypesEqual,
  formatSqlType,
  Decimal,
  compareValues,
  javaToString,
  javaDoubleToString,
  javaLongToString,
} from '../../types/index.js';
