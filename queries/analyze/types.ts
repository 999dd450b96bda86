/**
 * SQL types from the AST: primitives, DECIMAL(p, s) checks, collections, structs (field names
 * unique), and custom types made with CREATE TYPE (looked up in the catalog).
 */
import {
  Ast,
  BIGINT,
  BOOLEAN,
  BYTES,
  DATE,
  DOUBLE,
  INTEGER,
  STRING,
  SluiceError,
  TIME,
  TIMESTAMP,
  arrayType,
  decimalType,
  mapType,
  structType,
  type SqlType,
} from './deps.js';

/** Looks up custom types (CREATE TYPE) by name. */
export interface TypeResolver {
  customType(name: string): SqlType | undefined;
}

export const NO_CUSTOM_TYPES: TypeResolver = { customType: () => undefined };

export function resolveType(type: Ast.Type, types: TypeResolver): SqlType {
  switch (type.kind) {
    case 'primitiveType':
      switch (type.name) {
        case 'BOOLEAN':
          return BOOLEAN;
        case 'INTEGER':
          return INTEGER;
        case 'BIGINT':
          return BIGINT;
        case 'DOUBLE':
          return DOUBLE;
        case 'STRING':
          return STRING;
        case 'BYTES':
          return BYTES;
        case 'DATE':
          return DATE;
        case 'TIME':
          return TIME;
        case 'TIMESTAMP':
          return TIMESTAMP;
      }
      break;
    case 'decimalType': {
      const { precision, scale } = type;
      if (precision < 1) throw new SluiceError('SQL_ANALYSIS', `DECIMAL precision must be >= 1: DECIMAL(${precision},${scale})`);
      if (scale < 0) throw new SluiceError('SQL_ANALYSIS', `DECIMAL scale must be >= 0: DECIMAL(${precision},${scale})`);
      if (scale > precision) {
        throw new SluiceError('SQL_ANALYSIS', `DECIMAL scale must be equal to or less than precision: DECIMAL(${precision},${scale})`);
      }
      return decimalType(precision, scale);
    }
    case 'arrayType':
      return arrayType(resolveType(type.element, types));
    case 'mapType':
      return mapType(resolveType(type.key, types), resolveType(type.value, types));
    case 'structType': {
      const names = new Set<string>();
      const fields = type.fields.map((f) => {
        if (names.has(f.name)) throw new SluiceError('SQL_ANALYSIS', `Duplicate field names found in STRUCT: '${f.name}'`);
        names.add(f.name);
        return { name: f.name, type: resolveType(f.type, types) };
      });
      return structType(fields);
    }
    case 'customType': {
      const found = types.customType(type.name);
      if (found === undefined) {
        throw new SluiceError('SQL_ANALYSIS', `Cannot resolve unknown type: ${type.name}`, { found: type.name });
      }
      return found;
    }
  }
  throw new SluiceError('INTERNAL_ASSERTION', `unknown type node ${(type as Ast.Type).kind}`);
}
