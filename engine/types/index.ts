/**
 * engine/types — SQL types, their run-time values, and everything that must match ksqlDB bit for
 * bit when values are compared, converted or printed.
 *
 * - sql-type:    SqlType (closed union by `kind`), constructors, structural equality, printing
 *                (`DECIMAL(4, 2)`, ``STRUCT<`A` INTEGER>``); the run-time representation table.
 * - decimal:     Decimal, an exact immutable BigDecimal (bigint unscaled + scale) with Java's
 *                arithmetic, rounding modes and printing.
 * - java-format: Java's Double.toString, Long printing, CAST(x AS STRING) forms, Java collection
 *                toString (`[1, 2]`, `{a=1}`, `Struct{A=1}`), strict base64.
 * - time:        DATE/TIME/TIMESTAMP civil arithmetic, parsing and printing as ksqlDB does.
 * - cast:        explicit CAST rules (compiled once per expression), Java number parsing, DECIMAL
 *                fitting, implicit coercion / common types / arithmetic result types for the
 *                analyzer, and DECIMAL arithmetic exactly as ksqlDB evaluates it.
 * - schema:      LogicalSchema (key, value and header columns; pseudo-columns; ksqlDB's printing).
 * - values:      equality, ordering and hash keys for grouping and joins.
 *
 * Depends only on common/. Everything else in the engine reads values through these definitions.
 */

export * from './sql-type.js';
export * from './decimal.js';
export * from './java-format.js';
export * from './time.js';
export * from './cast.js';
export * from './schema.js';
export * from './values.js';
