/**
 * Everything queries/analyze takes from other modules, in one place.
 */
export { SluiceError, isSluiceError } from '../../common/index.js';
export type { ErrorCode } from '../../common/index.js';
export * as Ast from '../parse/index.js';
export { formatExpression as formatAstExpression, format as formatAst, parseBigDecimal } from '../parse/index.js';
export { Catalog } from '../catalog/index.js';
export type { DataSource, SourceKind, WindowKind, HeaderColumnDef, CustomType } from '../catalog/index.js';
export type { Expr, ColumnSource, ComparisonOperator } from '../../engine/expressions/index.js';
export type { ColumnDef, FormatSpec, Formats, TimestampSpec, WindowSpec } from '../../engine/steps/index.js';
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
  Decimal,
  decimalType,
  arrayType,
  mapType,
  structType,
  sqlTypesEqual,
  formatSqlType,
  isCastSupported,
  unsupportedCastMessage,
  castValue,
  coerceType,
  widenDecimal,
  decimalTypeOfValue,
  numericTypeOfString,
  canImplicitlyCast,
  canImplicitlyCastKind,
  isNumericKind,
  isTimeKind,
  arithmeticResultType,
  parseSqlBooleanExact,
  parseTimestamp,
  javaTrim,
  quoteIdentifier,
  systemColumnType,
  isSystemColumn,
  isPseudoColumn,
  isWindowBound,
  HEADERS_TYPE,
  ROWTIME_NAME,
  ROWPARTITION_NAME,
  ROWOFFSET_NAME,
  WINDOWSTART_NAME,
  WINDOWEND_NAME,
} from '../../engine/types/index.js';
export type { SqlType, StructField } from '../../engine/types/index.js';
export type { FunctionRegistry, FunctionArgument, ResolvedScalarCall } from '../../engine/functions/index.js';
