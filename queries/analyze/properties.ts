/**
 * WITH clause properties of CREATE STREAM / TABLE, CREATE ... AS SELECT and INSERT INTO, parsed
 * and validated as ksqlDB's CreateSourceProperties / CreateSourceAsProperties do: known names
 * only, typed values, FORMAT vs KEY_FORMAT / VALUE_FORMAT, delimiters, durations, window types.
 */
import { SluiceError, type Ast } from './deps.js';
import { parseDelimiter } from '../../engine/formats/index.js';

type PropertyType = 'STRING' | 'INT' | 'SHORT' | 'LONG' | 'BOOLEAN';

const COMMON: Record<string, PropertyType> = {
  KAFKA_TOPIC: 'STRING',
  PARTITIONS: 'INT',
  REPLICAS: 'SHORT',
  RETENTION_MS: 'LONG',
  CLEANUP_POLICY: 'STRING',
  TIMESTAMP: 'STRING',
  TIMESTAMP_FORMAT: 'STRING',
  VALUE_AVRO_SCHEMA_FULL_NAME: 'STRING',
  KEY_SCHEMA_FULL_NAME: 'STRING',
  VALUE_SCHEMA_FULL_NAME: 'STRING',
  VALUE_FORMAT: 'STRING',
  KEY_FORMAT: 'STRING',
  FORMAT: 'STRING',
  WRAP_SINGLE_VALUE: 'BOOLEAN',
  KEY_PROTOBUF_NULLABLE_REPRESENTATION: 'STRING',
  VALUE_PROTOBUF_NULLABLE_REPRESENTATION: 'STRING',
  VALUE_DELIMITER: 'STRING',
  KEY_DELIMITER: 'STRING',
  KEY_SCHEMA_ID: 'INT',
  VALUE_SCHEMA_ID: 'INT',
};

const CREATE_ONLY: Record<string, PropertyType> = {
  WINDOW_TYPE: 'STRING',
  WINDOW_SIZE: 'STRING',
  SOURCE_CONNECTOR: 'STRING',
  SOURCED_BY_CONNECTOR: 'STRING',
};

export type PropertyValue = string | number | boolean;

/** Validated WITH properties: upper-case names to typed values. */
export class WithProperties {
  private constructor(
    readonly values: ReadonlyMap<string, PropertyValue>,
    /** The literal text of each property, for DESCRIBE EXTENDED. */
    readonly texts: Readonly<Record<string, string>>,
  ) {}

  /** Errors are prefixed `Failed to prepare statement: ` as ksqlDB raises them while building its AST. */
  static parse(properties: readonly Ast.Property[], kind: 'create' | 'createAs' | 'insert'): WithProperties {
    try {
      return WithProperties.parseUnprefixed(properties, kind);
    } catch (error) {
      if (error instanceof SluiceError && error.code === 'SQL_ANALYSIS') {
        throw new SluiceError('SQL_ANALYSIS', `Failed to prepare statement: ${error.message}`, error.details);
      }
      throw error;
    }
  }

  private static parseUnprefixed(properties: readonly Ast.Property[], kind: 'create' | 'createAs' | 'insert'): WithProperties {
    const allowed: Record<string, PropertyType> = kind === 'create' ? { ...COMMON, ...CREATE_ONLY } : { ...COMMON };
    const values = new Map<string, PropertyValue>();
    const texts: Record<string, string> = {};
    const unknown: string[] = [];
    for (const p of properties) {
      const name = p.name.toUpperCase();
      const type = allowed[name];
      if (type === undefined) {
        if (!unknown.includes(name)) unknown.push(name);
        continue;
      }
      const value = convert(name, type, p.value);
      if (value === null) continue;
      values.set(name, value);
      texts[name] = String(value);
    }
    if (unknown.length > 0) {
      throw new SluiceError('SQL_ANALYSIS', `Invalid config variable(s) in the WITH clause: ${unknown.join(',')}`, { found: unknown.join(',') });
    }
    const result = new WithProperties(values, texts);
    result.validate();
    return result;
  }

  private validate(): void {
    if (this.has('FORMAT')) {
      for (const other of ['KEY_FORMAT', 'VALUE_FORMAT']) {
        if (this.has(other)) {
          throw new SluiceError(
            'SQL_ANALYSIS',
            `Cannot supply both '${other}' and 'FORMAT' properties, as 'FORMAT' sets both key and value formats. Either use just 'FORMAT', or use 'KEY_FORMAT' and 'VALUE_FORMAT'.`,
          );
        }
      }
    }
    if (this.has('VALUE_AVRO_SCHEMA_FULL_NAME') && this.has('VALUE_SCHEMA_FULL_NAME')) {
      throw new SluiceError(
        'SQL_ANALYSIS',
        "Cannot supply both 'VALUE_AVRO_SCHEMA_FULL_NAME' and 'VALUE_SCHEMA_FULL_NAME' properties. Please only set 'VALUE_SCHEMA_FULL_NAME'.",
      );
    }
    for (const name of ['VALUE_DELIMITER', 'KEY_DELIMITER']) {
      const v = this.string(name);
      if (v === undefined) continue;
      try {
        parseDelimiter(v);
      } catch (error) {
        throw new SluiceError('SQL_ANALYSIS', `Configuration ${name} is invalid: ${(error as Error).message}`);
      }
    }
    const windowType = this.string('WINDOW_TYPE');
    if (windowType !== undefined) {
      const upper = windowType.toUpperCase();
      if (upper !== 'SESSION' && upper !== 'HOPPING' && upper !== 'TUMBLING') {
        throw new SluiceError(
          'SQL_ANALYSIS',
          `Configuration WINDOW_TYPE is invalid: String must be one of: SESSION, HOPPING, TUMBLING`,
        );
      }
    }
    const windowSize = this.string('WINDOW_SIZE');
    if (windowSize !== undefined) {
      try {
        parseDurationMs(windowSize);
      } catch (error) {
        throw new SluiceError('SQL_ANALYSIS', `Configuration WINDOW_SIZE is invalid: ${(error as Error).message}`);
      }
    }
    const timestampFormat = this.string('TIMESTAMP_FORMAT');
    if (timestampFormat !== undefined && timestampFormat.trim() === '') {
      throw new SluiceError('SQL_ANALYSIS', 'Invalid datetime format for config:TIMESTAMP_FORMAT, reason:empty pattern');
    }
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  string(name: string): string | undefined {
    const v = this.values.get(name);
    return v === undefined ? undefined : String(v);
  }

  int(name: string): number | undefined {
    const v = this.values.get(name);
    return v === undefined ? undefined : Number(v);
  }

  boolean(name: string): boolean | undefined {
    const v = this.values.get(name);
    return v === undefined ? undefined : v === true;
  }

  /** FORMAT, else KEY_FORMAT. */
  keyFormatName(): string | undefined {
    return this.string('FORMAT') ?? this.string('KEY_FORMAT');
  }

  /** FORMAT, else VALUE_FORMAT. */
  valueFormatName(): string | undefined {
    return this.string('FORMAT') ?? this.string('VALUE_FORMAT');
  }

  /** Upper-case names to the literal text, for DESCRIBE EXTENDED. */
  toRecord(): Record<string, string> {
    return { ...this.texts };
  }
}

function literalText(value: Ast.Literal): string | null {
  switch (value.kind) {
    case 'nullLiteral':
      return null;
    case 'stringLiteral':
      return value.value;
    case 'booleanLiteral':
      return String(value.value);
    case 'integerLiteral':
      return String(value.value);
    case 'bigintLiteral':
      return value.value.toString();
    case 'decimalLiteral':
      return value.value;
    case 'doubleLiteral':
      return String(value.value);
  }
}

function convert(name: string, type: PropertyType, literal: Ast.Literal): PropertyValue | null {
  const text = literalText(literal);
  if (text === null) return null;
  const invalid = (reason: string): SluiceError =>
    new SluiceError('SQL_ANALYSIS', `Invalid value ${text} for configuration ${name}: ${reason}`, { found: text });
  switch (type) {
    case 'STRING':
      return text;
    case 'BOOLEAN': {
      if (literal.kind === 'booleanLiteral') return literal.value;
      const lower = text.trim().toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      throw invalid('Expected value to be either true or false');
    }
    case 'INT':
    case 'SHORT':
    case 'LONG': {
      const trimmed = text.trim();
      if (!/^[+-]?\d+$/.test(trimmed)) throw invalid(`Not a number of type ${type}`);
      const n = Number(trimmed);
      if (type === 'INT' && (n > 2147483647 || n < -2147483648)) throw invalid('Not a number of type INT');
      if (type === 'SHORT' && (n > 32767 || n < -32768)) throw invalid('Not a number of type SHORT');
      return n;
    }
  }
}

const TIME_UNITS: Record<string, number> = {
  NANOSECONDS: 1e-6,
  MICROSECONDS: 1e-3,
  MILLISECONDS: 1,
  SECONDS: 1000,
  MINUTES: 60_000,
  HOURS: 3_600_000,
  DAYS: 86_400_000,
};

/** ksqlDB's DurationParser: `'10 SECONDS'` (the unit's plural optional) to milliseconds. */
export function parseDurationMs(text: string): number {
  const parts = text.split(/\s/);
  try {
    if (parts.length !== 2) throw new Error(`Expected 2 tokens, got: ${parts.length}`);
    if (!/^[+-]?\d+$/.test(parts[0]!)) throw new Error(`Not numeric: '${parts[0]}'`);
    const size = Number(parts[0]);
    const unitText = parts[1]!.toUpperCase();
    const unit = unitText.endsWith('S') ? unitText : `${unitText}S`;
    const factor = TIME_UNITS[unit];
    if (factor === undefined) {
      throw new Error(
        `Unknown time unit: '${unitText}'\nSupported time units are: NANOSECONDS, MICROSECONDS, MILLISECONDS, SECONDS, MINUTES, HOURS, DAYS`,
      );
    }
    return Math.trunc(size * factor);
  } catch (error) {
    throw new Error(`Invalid duration: '${text}'. ${(error as Error).message}`);
  }
}

/** A TimeUnit duration of the AST in milliseconds. */
export function durationMs(duration: Ast.Duration): number {
  return duration.value * (TIME_UNITS[duration.unit] ?? 1);
}
