/**
 * Avro schemas: parsed and validated with avsc (references supply named types through avsc's
 * registry), printed canonically the way Java's `Schema.toString()` prints them (which is what
 * Confluent stores and answers), and checked for compatibility with the rules of Avro schema
 * resolution (Java's `SchemaCompatibility`): the reader must be able to decode everything the
 * writer wrote.
 */
import avsc from 'avsc';
import { SluiceError } from '../common/index.js';
import { invalidSchema, jsonDepth, referencesInDependencyOrder, type Direction, type ParsedSchemaBase, type ResolvedReference } from './schema.js';
import type { Incompatibility, RegistryLimits, SchemaReference } from './types.js';

export interface ParsedAvro extends ParsedSchemaBase {
  readonly schemaType: 'AVRO';
  /** The avsc type (named types from references resolved). */
  readonly type: avsc.Type;
  /** The schema as JSON (before canonical printing). */
  readonly json: unknown;
}

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw invalidSchema('AVRO', `not JSON (${(error as Error).message})`, error);
  }
}

export function parseAvro(text: string, references: readonly ResolvedReference[], limits: RegistryLimits): ParsedAvro {
  const json = parseJson(text);
  if (jsonDepth(json) > limits.schemaDepthMax) throw invalidSchema('AVRO', `nested deeper than ${limits.schemaDepthMax} levels`);
  const registry: Record<string, avsc.Type> = {};
  for (const reference of referencesInDependencyOrder(references, limits)) {
    if (reference.schemaType !== 'AVRO') {
      throw invalidSchema('AVRO', `reference ${JSON.stringify(reference.name)} (subject ${reference.subject} version ${reference.version}) is a ${reference.schemaType} schema`);
    }
    try {
      avsc.Type.forSchema(JSON.parse(reference.schema) as avsc.Schema, { registry, wrapUnions: 'auto' });
    } catch (error) {
      throw invalidSchema('AVRO', `reference ${JSON.stringify(reference.name)}: ${(error as Error).message}`, error);
    }
  }
  const externalNames = new Set(Object.keys(registry));
  let type: avsc.Type;
  try {
    type = avsc.Type.forSchema(json as avsc.Schema, { registry, wrapUnions: 'auto' });
  } catch (error) {
    throw invalidSchema('AVRO', (error as Error).message, error);
  }
  const canonical = JSON.stringify(new AvroPrinter(externalNames).print(json, undefined));
  const ownReferences: SchemaReference[] = references.map((r) => ({ name: r.name, subject: r.subject, version: r.version }));
  return { schemaType: 'AVRO', canonical, references: ownReferences, type, json };
}

// ---------------------------------------------------------------------------------------------
// Canonical printing: Java's Schema.toString(). Named types print their short name and a
// namespace only where it differs from the enclosing one; a named type seen before prints as a
// name; attributes come in Java's order; other attributes (logicalType, custom props) are kept in
// the order given.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const RECORD_RESERVED = new Set(['type', 'name', 'namespace', 'doc', 'fields', 'aliases']);
const FIELD_RESERVED = new Set(['name', 'type', 'doc', 'default', 'order', 'aliases']);
const ENUM_RESERVED = new Set(['type', 'name', 'namespace', 'doc', 'symbols', 'default', 'aliases']);
const FIXED_RESERVED = new Set(['type', 'name', 'namespace', 'doc', 'size', 'aliases']);
const ARRAY_RESERVED = new Set(['type', 'items']);
const MAP_RESERVED = new Set(['type', 'values']);
const PRIMITIVE_RESERVED = new Set(['type']);

function splitName(name: string, namespace: string | undefined): { name: string; space: string | undefined } {
  const dot = name.lastIndexOf('.');
  if (dot >= 0) return { name: name.slice(dot + 1), space: name.slice(0, dot) || undefined };
  return { name, space: namespace === '' ? undefined : namespace };
}

function fullName(name: string, space: string | undefined): string {
  return space === undefined ? name : `${space}.${name}`;
}

class AvroPrinter {
  private readonly defined = new Set<string>();

  constructor(private readonly external: ReadonlySet<string>) {}

  print(schema: unknown, space: string | undefined): Json {
    if (typeof schema === 'string') return this.nameReference(schema, space);
    if (Array.isArray(schema)) return schema.map((branch) => this.print(branch, space));
    if (schema === null || typeof schema !== 'object') return schema as Json;
    const object = schema as JsonObject;
    const type = object['type'];
    if (typeof type !== 'string') return this.print(type, space);
    switch (type) {
      case 'record':
      case 'error':
        return this.named(object, space, RECORD_RESERVED, (out, innerSpace) => {
          out['fields'] = (object['fields'] as JsonObject[]).map((field) => this.field(field, innerSpace));
        });
      case 'enum':
        return this.named(object, space, ENUM_RESERVED, (out) => {
          out['symbols'] = object['symbols']!;
          if (object['default'] !== undefined) out['default'] = object['default'];
        });
      case 'fixed':
        return this.named(object, space, FIXED_RESERVED, (out) => {
          out['size'] = object['size']!;
        });
      case 'array':
        return this.withProps({ type: 'array', items: this.print(object['items'], space) }, object, ARRAY_RESERVED);
      case 'map':
        return this.withProps({ type: 'map', values: this.print(object['values'], space) }, object, MAP_RESERVED);
      default:
        if (PRIMITIVES.has(type)) {
          const out = this.withProps({ type }, object, PRIMITIVE_RESERVED);
          return Object.keys(out).length === 1 ? type : out;
        }
        // {"type": "com.example.Named"}: a reference to a named type.
        return this.nameReference(type, space);
    }
  }

  private nameReference(name: string, space: string | undefined): Json {
    if (PRIMITIVES.has(name)) return name;
    let full = name.includes('.') ? name : fullName(name, space);
    if (!name.includes('.') && !this.defined.has(full) && !this.external.has(full) && (this.defined.has(name) || this.external.has(name))) full = name;
    const split = splitName(full, undefined);
    return split.space === space || split.space === undefined ? split.name : full;
  }

  private named(object: JsonObject, space: string | undefined, reserved: ReadonlySet<string>, body: (out: JsonObject, innerSpace: string | undefined) => void): Json {
    const declaredSpace = typeof object['namespace'] === 'string' ? object['namespace'] : space;
    const { name, space: ownSpace } = splitName(String(object['name']), declaredSpace);
    this.defined.add(fullName(name, ownSpace));
    const out: JsonObject = { type: object['type']!, name };
    if (ownSpace !== undefined) {
      if (ownSpace !== space) out['namespace'] = ownSpace;
    } else if (space !== undefined) {
      out['namespace'] = '';
    }
    if (object['doc'] !== undefined) out['doc'] = object['doc'];
    body(out, ownSpace);
    this.withProps(out, object, reserved);
    if (Array.isArray(object['aliases']) && object['aliases'].length > 0) {
      out['aliases'] = object['aliases'].map((alias) => {
        const split = splitName(String(alias), ownSpace);
        return split.space === ownSpace || split.space === undefined ? split.name : fullName(split.name, split.space);
      });
    }
    return out;
  }

  private field(field: JsonObject, space: string | undefined): Json {
    const out: JsonObject = { name: field['name']!, type: this.print(field['type'], space) };
    if (field['doc'] !== undefined) out['doc'] = field['doc'];
    if (field['default'] !== undefined) out['default'] = field['default'];
    if (field['order'] !== undefined && field['order'] !== 'ascending') out['order'] = field['order'];
    this.withProps(out, field, FIELD_RESERVED);
    if (Array.isArray(field['aliases']) && field['aliases'].length > 0) out['aliases'] = field['aliases'];
    return out;
  }

  private withProps(out: JsonObject, source: JsonObject, reserved: ReadonlySet<string>): JsonObject {
    for (const [key, value] of Object.entries(source)) {
      if (!reserved.has(key) && value !== undefined) out[key] = value;
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// Compatibility: Avro schema resolution (Java's SchemaCompatibility.ReaderWriterCompatibilityChecker).

type AvroKind = 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'bytes' | 'string' | 'record' | 'enum' | 'fixed' | 'array' | 'map' | 'union';

/** The avsc internals the checker reads (avsc's typings do not declare them all). */
interface AvscTypeView {
  typeName: string;
  name?: string;
  aliases?: string[];
  fields?: Array<{ name: string; type: avsc.Type; aliases: string[]; defaultValue(): unknown }>;
  symbols?: string[];
  default?: string;
  size?: number;
  itemsType?: avsc.Type;
  valuesType?: avsc.Type;
  types?: avsc.Type[];
}

function view(type: avsc.Type): AvscTypeView {
  return type as unknown as AvscTypeView;
}

function kindOf(type: avsc.Type): AvroKind {
  const name = view(type).typeName;
  if (name === 'record' || name === 'error' || name === 'request') return 'record';
  if (name.startsWith('union')) return 'union';
  if (name.startsWith('logical:')) {
    // Only present when logical types are registered, which the registry never does.
    throw new SluiceError('INTERNAL_ASSERTION', `unexpected avsc logical type ${name}`);
  }
  return name as AvroKind;
}

function shortName(full: string | undefined): string | undefined {
  if (full === undefined) return undefined;
  const dot = full.lastIndexOf('.');
  return dot < 0 ? full : full.slice(dot + 1);
}

type IncompatibilityType = 'NAME_MISMATCH' | 'FIXED_SIZE_MISMATCH' | 'MISSING_ENUM_SYMBOLS' | 'READER_FIELD_MISSING_DEFAULT_VALUE' | 'TYPE_MISMATCH' | 'MISSING_UNION_BRANCH';

interface RawIncompatibility {
  type: IncompatibilityType;
  message: string;
  location: string;
}

class ReaderWriterChecker {
  /** Results per (reader, writer) pair; `null` while the pair is being checked (recursive types). */
  private readonly memo = new Map<avsc.Type, Map<avsc.Type, RawIncompatibility[] | null>>();

  check(reader: avsc.Type, writer: avsc.Type, location: string[]): RawIncompatibility[] {
    let byWriter = this.memo.get(reader);
    if (byWriter === undefined) {
      byWriter = new Map();
      this.memo.set(reader, byWriter);
    }
    const known = byWriter.get(writer);
    if (known !== undefined) return known ?? []; // in progress: assume compatible (recursion)
    byWriter.set(writer, null);
    const result = this.compute(reader, writer, location);
    byWriter.set(writer, result);
    return result;
  }

  private at(location: string[], step: string, run: () => RawIncompatibility[]): RawIncompatibility[] {
    location.push(step);
    try {
      return run();
    } finally {
      location.pop();
    }
  }

  private incompatible(type: IncompatibilityType, message: string, location: string[]): RawIncompatibility[] {
    return [{ type, message, location: '/' + location.join('/') }];
  }

  private typeMismatch(reader: avsc.Type, writer: avsc.Type, location: string[]): RawIncompatibility[] {
    return this.incompatible('TYPE_MISMATCH', `reader type: ${kindOf(reader).toUpperCase()} not compatible with writer type: ${kindOf(writer).toUpperCase()}`, location);
  }

  private compute(reader: avsc.Type, writer: avsc.Type, location: string[]): RawIncompatibility[] {
    const readerKind = kindOf(reader);
    const writerKind = kindOf(writer);
    const r = view(reader);
    const w = view(writer);
    if (readerKind === writerKind) {
      switch (readerKind) {
        case 'null':
        case 'boolean':
        case 'int':
        case 'long':
        case 'float':
        case 'double':
        case 'bytes':
        case 'string':
          return [];
        case 'array':
          return this.at(location, 'items', () => this.check(r.itemsType!, w.itemsType!, location));
        case 'map':
          return this.at(location, 'values', () => this.check(r.valuesType!, w.valuesType!, location));
        case 'fixed': {
          const names = this.checkNames(reader, writer, location);
          if (r.size !== w.size) {
            names.push(...this.at(location, 'size', () => this.incompatible('FIXED_SIZE_MISMATCH', `expected: ${w.size}, found: ${r.size}`, location)));
          }
          return names;
        }
        case 'enum': {
          const result = this.checkNames(reader, writer, location);
          const readerSymbols = new Set(r.symbols);
          const missing = [...new Set(w.symbols)].filter((symbol) => !readerSymbols.has(symbol)).sort();
          if (missing.length > 0 && !(r.default !== undefined && readerSymbols.has(r.default))) {
            result.push(...this.at(location, 'symbols', () => this.incompatible('MISSING_ENUM_SYMBOLS', `[${missing.join(', ')}]`, location)));
          }
          return result;
        }
        case 'record':
          return [...this.checkNames(reader, writer, location), ...this.checkFields(reader, writer, location)];
        case 'union': {
          // Every branch the writer may have written must be readable by the reader union.
          const result: RawIncompatibility[] = [];
          w.types!.forEach((branch, index) => {
            result.push(...this.at(location, String(index), () => this.check(reader, branch, location)));
          });
          return result;
        }
      }
    }
    if (writerKind === 'union') {
      const result: RawIncompatibility[] = [];
      w.types!.forEach((branch, index) => {
        result.push(...this.at(location, String(index), () => this.check(reader, branch, location)));
      });
      return result;
    }
    switch (readerKind) {
      case 'long':
        return writerKind === 'int' ? [] : this.typeMismatch(reader, writer, location);
      case 'float':
        return writerKind === 'int' || writerKind === 'long' ? [] : this.typeMismatch(reader, writer, location);
      case 'double':
        return writerKind === 'int' || writerKind === 'long' || writerKind === 'float' ? [] : this.typeMismatch(reader, writer, location);
      case 'bytes':
        return writerKind === 'string' ? [] : this.typeMismatch(reader, writer, location);
      case 'string':
        return writerKind === 'bytes' ? [] : this.typeMismatch(reader, writer, location);
      case 'union': {
        for (const branch of r.types!) {
          if (this.check(branch, writer, [...location]).length === 0) return [];
        }
        return this.incompatible('MISSING_UNION_BRANCH', `reader union lacking writer type: ${writerKind.toUpperCase()}`, location);
      }
      default:
        return this.typeMismatch(reader, writer, location);
    }
  }

  /** Java compares short names, then the reader's aliases against the writer's full name. */
  private checkNames(reader: avsc.Type, writer: avsc.Type, location: string[]): RawIncompatibility[] {
    const r = view(reader);
    const w = view(writer);
    if (shortName(r.name) === shortName(w.name)) return [];
    if (w.name !== undefined && (r.aliases ?? []).includes(w.name)) return [];
    return this.at(location, 'name', () => this.incompatible('NAME_MISMATCH', `expected: ${w.name}`, location));
  }

  private checkFields(reader: avsc.Type, writer: avsc.Type, location: string[]): RawIncompatibility[] {
    const writerFields = new Map(view(writer).fields!.map((field) => [field.name, field]));
    const result: RawIncompatibility[] = [];
    location.push('fields');
    view(reader).fields!.forEach((readerField, position) => {
      location.push(String(position));
      const candidates = [readerField.name, ...readerField.aliases].map((name) => writerFields.get(name)).filter((field) => field !== undefined);
      const writerField = candidates[0];
      if (writerField === undefined) {
        if (readerField.defaultValue() === undefined) {
          result.push(...this.incompatible('READER_FIELD_MISSING_DEFAULT_VALUE', readerField.name, location));
        }
      } else {
        result.push(...this.at(location, 'type', () => this.check(readerField.type, writerField.type, location)));
      }
      location.pop();
    });
    location.pop();
    return result;
  }
}

function describe(raw: RawIncompatibility, readerRole: 'new' | 'old'): Incompatibility {
  const reader = readerRole;
  const writer = readerRole === 'new' ? 'old' : 'new';
  const path = raw.location;
  let description: string;
  switch (raw.type) {
    case 'NAME_MISMATCH':
      description = `The name of the schema has changed (path '${path}')`;
      break;
    case 'FIXED_SIZE_MISMATCH':
      description = `The size of FIXED type field at path '${path}' in the ${reader} schema does not match with the ${writer} schema`;
      break;
    case 'MISSING_ENUM_SYMBOLS':
      description = `The ${reader} schema is missing enum symbols '${raw.message}' at path '${path}' in the ${writer} schema`;
      break;
    case 'READER_FIELD_MISSING_DEFAULT_VALUE':
      description = `The field '${raw.message}' at path '${path}' in the ${reader} schema has no default value and is missing in the ${writer} schema`;
      break;
    case 'TYPE_MISMATCH':
      description = `The type (path '${path}') of a field in the ${reader} schema does not match with the ${writer} schema`;
      break;
    case 'MISSING_UNION_BRANCH':
      description = `The ${reader} schema is missing a type inside a union field at path '${path}' in the ${writer} schema`;
      break;
  }
  return { errorType: raw.type, path, description, additionalInfo: raw.message };
}

/** Checks the reader against the writer, reporting every breaking change. */
export function avroReaderWriterIncompatibilities(reader: avsc.Type, writer: avsc.Type, readerRole: 'new' | 'old' = 'new'): Incompatibility[] {
  return new ReaderWriterChecker().check(reader, writer, []).map((raw) => describe(raw, readerRole));
}

export function compareAvro(newer: ParsedAvro, older: ParsedAvro, direction: Direction): Incompatibility[] {
  return direction === 'backward'
    ? avroReaderWriterIncompatibilities(newer.type, older.type, 'new')
    : avroReaderWriterIncompatibilities(older.type, newer.type, 'old');
}
