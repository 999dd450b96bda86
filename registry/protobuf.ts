/**
 * Protobuf schemas: validated with protobufjs (references parsed into the same Root first; the
 * well-known imports Confluent bundles — google/protobuf/*, google/type/*, confluent/* — are
 * built in), printed canonically (comments dropped, one statement per line, two-space indent), and
 * checked for compatibility the way Confluent's Protobuf provider does: a structural diff of the
 * old and the new file where only some changes are compatible (fields added or removed,
 * renamed, string<->bytes, scalar changes within a wire-compatible group...), and the rest are
 * not (a field's kind or scalar group changed, a message type removed or renamed, a required
 * field added or removed, fields moved into a oneof, the package changed...).
 */
import { createRequire } from 'node:module';
import protobuf from 'protobufjs';
import { invalidSchema, referencesInDependencyOrder, type Direction, type ParsedSchemaBase, type ResolvedReference } from './schema.js';
import type { Incompatibility, RegistryLimits, SchemaReference } from './types.js';

// ---------------------------------------------------------------------------------------------
// Built-in imports.

const require = createRequire(import.meta.url);

const BUILTIN_TEXT: Record<string, string> = {
  'confluent/meta.proto': `syntax = "proto3";
package confluent;
message Meta { string doc = 1; map<string, string> params = 2; repeated string tags = 3; }`,
  'confluent/type/decimal.proto': `syntax = "proto3";
package confluent.type;
message Decimal { bytes value = 1; uint32 precision = 2; int32 scale = 3; }`,
  'google/type/date.proto': `syntax = "proto3";
package google.type;
message Date { int32 year = 1; int32 month = 2; int32 day = 3; }`,
  'google/type/timeofday.proto': `syntax = "proto3";
package google.type;
message TimeOfDay { int32 hours = 1; int32 minutes = 2; int32 seconds = 3; int32 nanos = 4; }`,
  'google/type/money.proto': `syntax = "proto3";
package google.type;
message Money { string currency_code = 1; int64 units = 2; int32 nanos = 3; }`,
  'google/type/latlng.proto': `syntax = "proto3";
package google.type;
message LatLng { double latitude = 1; double longitude = 2; }`,
  'google/type/decimal.proto': `syntax = "proto3";
package google.type;
message Decimal { string value = 1; }`,
  'google/type/dayofweek.proto': `syntax = "proto3";
package google.type;
enum DayOfWeek { DAY_OF_WEEK_UNSPECIFIED = 0; MONDAY = 1; TUESDAY = 2; WEDNESDAY = 3; THURSDAY = 4; FRIDAY = 5; SATURDAY = 6; SUNDAY = 7; }`,
  'google/type/month.proto': `syntax = "proto3";
package google.type;
enum Month { MONTH_UNSPECIFIED = 0; JANUARY = 1; FEBRUARY = 2; MARCH = 3; APRIL = 4; MAY = 5; JUNE = 6; JULY = 7; AUGUST = 8; SEPTEMBER = 9; OCTOBER = 10; NOVEMBER = 11; DECEMBER = 12; }`,
};

const BUILTIN_JSON_FILES: Record<string, string> = {
  'google/protobuf/descriptor.proto': 'protobufjs/google/protobuf/descriptor.json',
  'google/protobuf/api.proto': 'protobufjs/google/protobuf/api.json',
  'google/protobuf/type.proto': 'protobufjs/google/protobuf/type.json',
  'google/protobuf/source_context.proto': 'protobufjs/google/protobuf/source_context.json',
};

/** Imports the registry resolves by itself (no reference needed). */
export function isBuiltinProtobufImport(name: string): boolean {
  return name in BUILTIN_TEXT || name in BUILTIN_JSON_FILES || (name !== 'get' && name in protobuf.common);
}

function addBuiltin(root: protobuf.Root, name: string, added: Set<string>): void {
  if (added.has(name)) return;
  added.add(name);
  const text = BUILTIN_TEXT[name];
  if (text !== undefined) {
    protobuf.parse(text, root, { keepCase: true });
    return;
  }
  const jsonFile = BUILTIN_JSON_FILES[name];
  if (jsonFile !== undefined) {
    root.addJSON((require(jsonFile) as { nested: Record<string, protobuf.AnyNestedObject> }).nested);
    return;
  }
  const common = (protobuf.common as unknown as Record<string, protobuf.INamespace>)[name];
  if (common?.nested) root.addJSON(common.nested);
}

// ---------------------------------------------------------------------------------------------
// Canonical text: the token stream, comments dropped, one statement per line.

type Token = { kind: 'word' | 'string' | 'symbol'; text: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  const length = text.length;
  while (index < length) {
    const char = text[index]!;
    if (/\s/.test(char)) {
      index++;
    } else if (char === '/' && text[index + 1] === '/') {
      while (index < length && text[index] !== '\n') index++;
    } else if (char === '/' && text[index + 1] === '*') {
      const end = text.indexOf('*/', index + 2);
      index = end < 0 ? length : end + 2;
    } else if (char === '"' || char === "'") {
      let end = index + 1;
      while (end < length && text[end] !== char) end += text[end] === '\\' ? 2 : 1;
      let literal = text.slice(index, end + 1);
      if (char === "'" && !literal.slice(1, -1).includes('"')) literal = `"${literal.slice(1, -1)}"`;
      tokens.push({ kind: 'string', text: literal });
      index = end + 1;
    } else if ('{}[]()<>;,=:'.includes(char)) {
      tokens.push({ kind: 'symbol', text: char });
      index++;
    } else {
      let end = index + 1;
      while (end < length && /[A-Za-z0-9_.+-]/.test(text[end]!)) end++;
      tokens.push({ kind: 'word', text: text.slice(index, end) });
      index = end;
    }
  }
  return tokens;
}

const NO_SPACE_BEFORE = new Set([';', ',', ')', ']', '>', '<']);
const NO_SPACE_AFTER = new Set(['(', '[', '<']);

function printTokens(tokens: Token[]): string {
  const lines: string[] = [];
  let line = '';
  let depth = 0;
  const flush = (): void => {
    if (line.length > 0) lines.push('  '.repeat(depth) + line);
    line = '';
  };
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index]!;
    const previous = index > 0 ? tokens[index - 1]! : undefined;
    if (token.text === '}' && token.kind === 'symbol') {
      flush();
      depth = Math.max(0, depth - 1);
      line = '}';
      if (tokens[index + 1]?.text === ';') {
        line += ';';
        index++;
      }
      flush();
      continue;
    }
    const glued =
      line.length === 0 ||
      (token.kind === 'symbol' && NO_SPACE_BEFORE.has(token.text)) ||
      (previous !== undefined && previous.kind === 'symbol' && NO_SPACE_AFTER.has(previous.text)) ||
      (previous?.text === ')' && token.kind === 'word' && token.text.startsWith('.'));
    line += (glued ? '' : ' ') + token.text;
    if (token.kind === 'symbol' && token.text === ';') flush();
    else if (token.kind === 'symbol' && token.text === '{') {
      flush();
      depth++;
    }
  }
  flush();
  return lines.join('\n') + '\n';
}

function syntaxOf(tokens: Token[]): string {
  for (let index = 0; index + 2 < tokens.length; index++) {
    const keyword = tokens[index]!.text;
    if ((keyword === 'syntax' || keyword === 'edition') && tokens[index + 1]!.text === '=' && tokens[index + 2]!.kind === 'string') {
      return tokens[index + 2]!.text.slice(1, -1);
    }
  }
  return 'proto2';
}

// ---------------------------------------------------------------------------------------------
// Parsing.

export interface ParsedProtobuf extends ParsedSchemaBase {
  readonly schemaType: 'PROTOBUF';
  /** Root holding this file, its references and the built-ins, every type resolved. */
  readonly root: protobuf.Root;
  readonly packageName: string;
  readonly syntax: string;
  /** Full names (leading dot) of this file's top-level messages and enums, in declaration order. */
  readonly topLevel: readonly string[];
  /** Full names of the types this file's references (not built-ins) declare, per reference subject/version. */
  readonly referencedTypes: ReadonlyMap<string, string>;
}

function parseInto(root: protobuf.Root, text: string, what: string): protobuf.IParserResult {
  try {
    return protobuf.parse(text, root, { keepCase: true, alternateCommentMode: false });
  } catch (error) {
    throw invalidSchema('PROTOBUF', `${what}${(error as Error).message}`, error);
  }
}

function topLevelNames(text: string): { packageName: string; names: string[] } {
  const local = new protobuf.Root();
  const result = protobuf.parse(text, local, { keepCase: true });
  const packageName = result.package ?? '';
  const container = packageName === '' ? local : (local.lookup(packageName) as protobuf.Namespace | null);
  const names: string[] = [];
  for (const nested of container?.nestedArray ?? []) {
    if (nested instanceof protobuf.Type || nested instanceof protobuf.Enum) names.push(nested.fullName);
  }
  return { packageName, names };
}

export function parseProtobuf(text: string, references: readonly ResolvedReference[], limits: RegistryLimits): ParsedProtobuf {
  const root = new protobuf.Root();
  const builtins = new Set<string>();
  const provided = new Set<string>();
  const referencedTypes = new Map<string, string>();
  const ordered = referencesInDependencyOrder(references, limits);
  for (const reference of ordered) provided.add(reference.name);
  const addImports = (imports: readonly string[] | undefined): void => {
    for (const name of imports ?? []) if (!provided.has(name) && isBuiltinProtobufImport(name)) addBuiltin(root, name, builtins);
  };
  for (const reference of ordered) {
    if (reference.schemaType !== 'PROTOBUF') {
      throw invalidSchema('PROTOBUF', `reference ${JSON.stringify(reference.name)} (subject ${reference.subject} version ${reference.version}) is a ${reference.schemaType} schema`);
    }
    const result = parseInto(root, reference.schema, `reference ${JSON.stringify(reference.name)}: `);
    addImports(result.imports);
    addImports(result.weakImports);
    for (const name of topLevelNames(reference.schema).names) referencedTypes.set(name, `${reference.subject}\u0000${reference.version}`);
  }
  const result = parseInto(root, text, '');
  addImports(result.imports);
  addImports(result.weakImports);
  try {
    root.resolveAll();
  } catch (error) {
    throw invalidSchema('PROTOBUF', (error as Error).message, error);
  }
  const tokens = tokenize(text);
  const { packageName, names } = topLevelNames(text);
  if (names.length === 0) throw invalidSchema('PROTOBUF', 'the file declares no message or enum');
  const ownReferences: SchemaReference[] = references.map((r) => ({ name: r.name, subject: r.subject, version: r.version }));
  return {
    schemaType: 'PROTOBUF',
    canonical: printTokens(tokens),
    references: ownReferences,
    root,
    packageName,
    syntax: syntaxOf(tokens),
    topLevel: names,
    referencedTypes,
  };
}

/** The message a serializer uses by default: the file's first message. */
export function firstMessageName(parsed: ParsedProtobuf): string | undefined {
  for (const name of parsed.topLevel) if (parsed.root.lookup(name) instanceof protobuf.Type) return name.replace(/^\./, '');
  return undefined;
}

function messagesIn(types: readonly protobuf.ReflectionObject[]): protobuf.Type[] {
  return types.filter((type): type is protobuf.Type => type instanceof protobuf.Type);
}

/**
 * Confluent's message-index path of a message of the file (the list the wire format carries
 * before a Protobuf payload): `[2]` for the third top-level message, `[0, 1]` for the second
 * message nested in the first. `name` is the full name, with or without the leading dot.
 */
export function protobufMessageIndexes(parsed: ParsedProtobuf, name: string): number[] | undefined {
  const target = parsed.root.lookup(name.startsWith('.') ? name : `.${name}`);
  if (!(target instanceof protobuf.Type)) return undefined;
  const chain: protobuf.Type[] = [];
  let current: protobuf.ReflectionObject | null = target;
  while (current instanceof protobuf.Type) {
    chain.unshift(current);
    current = current.parent;
  }
  const indexes: number[] = [];
  let level = messagesIn(parsed.topLevel.map((fullName) => parsed.root.lookup(fullName)).filter((found) => found !== null));
  for (const type of chain) {
    const index = level.indexOf(type);
    if (index < 0) return undefined; // declared in another file
    indexes.push(index);
    level = messagesIn(type.nestedArray);
  }
  return indexes;
}

/** The message a message-index path names (`[]` is the first message), or undefined. */
export function protobufMessageAt(parsed: ParsedProtobuf, indexes: readonly number[]): protobuf.Type | undefined {
  let level = messagesIn(parsed.topLevel.map((fullName) => parsed.root.lookup(fullName)).filter((found) => found !== null));
  if (indexes.length === 0) return level[0];
  let found: protobuf.Type | undefined;
  for (const index of indexes) {
    found = level[index];
    if (found === undefined) return undefined;
    level = messagesIn(found.nestedArray);
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// Compatibility: Confluent's protobuf SchemaDiff (original = the schema data was written with
// under BACKWARD, update = the new one), then only the incompatible differences are reported.

type DifferenceType =
  | 'PACKAGE_CHANGED'
  | 'MESSAGE_ADDED'
  | 'MESSAGE_REMOVED'
  | 'MESSAGE_MOVED'
  | 'ENUM_ADDED'
  | 'ENUM_REMOVED'
  | 'ENUM_CONST_ADDED'
  | 'ENUM_CONST_CHANGED'
  | 'ENUM_CONST_REMOVED'
  | 'FIELD_ADDED'
  | 'FIELD_REMOVED'
  | 'FIELD_NAME_CHANGED'
  | 'FIELD_KIND_CHANGED'
  | 'FIELD_SCALAR_KIND_CHANGED'
  | 'FIELD_NAMED_TYPE_CHANGED'
  | 'FIELD_NUMERIC_LABEL_CHANGED'
  | 'FIELD_STRING_OR_BYTES_LABEL_CHANGED'
  | 'REQUIRED_FIELD_ADDED'
  | 'REQUIRED_FIELD_REMOVED'
  | 'ONEOF_ADDED'
  | 'ONEOF_REMOVED'
  | 'ONEOF_FIELD_ADDED'
  | 'ONEOF_FIELD_REMOVED'
  | 'MULTIPLE_FIELDS_MOVED_TO_ONEOF'
  | 'FIELD_MOVED_TO_EXISTING_ONEOF';

const COMPATIBLE_CHANGES: ReadonlySet<DifferenceType> = new Set<DifferenceType>([
  'MESSAGE_ADDED',
  'MESSAGE_MOVED',
  'ENUM_ADDED',
  'ENUM_REMOVED',
  'ENUM_CONST_ADDED',
  'ENUM_CONST_CHANGED',
  'ENUM_CONST_REMOVED',
  'FIELD_ADDED',
  'FIELD_REMOVED',
  'FIELD_NAME_CHANGED',
  'FIELD_STRING_OR_BYTES_LABEL_CHANGED',
  'ONEOF_ADDED',
  'ONEOF_REMOVED',
  'ONEOF_FIELD_ADDED',
]);

type Label = 'OPTIONAL' | 'REQUIRED' | 'REPEATED' | null;
type Kind = 'SCALAR' | 'MAP' | 'MESSAGE';
type ScalarKind = 'GENERAL_NUMBER' | 'SIGNED_NUMBER' | 'STRING_OR_BYTES' | 'FIXED32' | 'FIXED64' | 'FLOAT' | 'DOUBLE';

const SCALAR_KINDS: Record<string, ScalarKind> = {
  int32: 'GENERAL_NUMBER',
  int64: 'GENERAL_NUMBER',
  uint32: 'GENERAL_NUMBER',
  uint64: 'GENERAL_NUMBER',
  bool: 'GENERAL_NUMBER',
  sint32: 'SIGNED_NUMBER',
  sint64: 'SIGNED_NUMBER',
  string: 'STRING_OR_BYTES',
  bytes: 'STRING_OR_BYTES',
  fixed32: 'FIXED32',
  sfixed32: 'FIXED32',
  fixed64: 'FIXED64',
  sfixed64: 'FIXED64',
  float: 'FLOAT',
  double: 'DOUBLE',
};

interface Side {
  parsed: ParsedProtobuf;
}

/** A field's type as the diff sees it: a scalar (enums count as numbers), a map, or a message. */
type FieldType =
  | { kind: 'SCALAR'; scalar: ScalarKind; name: string }
  | { kind: 'MAP'; key: FieldType; value: FieldType }
  | { kind: 'MESSAGE'; type: protobuf.Type };

function isSyntheticOneof(oneof: protobuf.OneOf): boolean {
  return oneof.fieldsArray.length === 1 && oneof.fieldsArray[0]!.options?.['proto3_optional'] === true;
}

function realOneofs(type: protobuf.Type): protobuf.OneOf[] {
  return type.oneofsArray.filter((oneof) => !isSyntheticOneof(oneof));
}

function inRealOneof(field: protobuf.Field): boolean {
  return field.partOf !== null && field.partOf !== undefined && !isSyntheticOneof(field.partOf);
}

function labelOf(field: protobuf.Field, syntax: string): Label {
  if (field.rule === 'repeated') return 'REPEATED';
  if (field.rule === 'required') return 'REQUIRED';
  if (inRealOneof(field) || field.map) return null;
  if (field.options?.['proto3_optional'] === true) return 'OPTIONAL';
  return syntax === 'proto2' ? 'OPTIONAL' : null;
}

function scalarFieldType(name: string, resolved: protobuf.ReflectionObject | null): FieldType {
  if (resolved instanceof protobuf.Type) return { kind: 'MESSAGE', type: resolved };
  if (resolved instanceof protobuf.Enum) return { kind: 'SCALAR', scalar: 'GENERAL_NUMBER', name: resolved.fullName };
  return { kind: 'SCALAR', scalar: SCALAR_KINDS[name] ?? 'GENERAL_NUMBER', name };
}

function fieldTypeOf(field: protobuf.Field): FieldType {
  if (field.map) {
    const mapField = field as unknown as protobuf.MapField;
    return { kind: 'MAP', key: scalarFieldType(mapField.keyType, null), value: scalarFieldType(field.type, field.resolvedType) };
  }
  return scalarFieldType(field.type, field.resolvedType);
}

function packageOf(type: protobuf.ReflectionObject): string {
  let current: protobuf.ReflectionObject = type;
  while (current.parent instanceof protobuf.Type) current = current.parent;
  const parent = current.parent;
  return parent === null || parent instanceof protobuf.Root ? '' : parent.fullName.replace(/^\./, '');
}

function localName(type: protobuf.ReflectionObject): string {
  const full = type.fullName.replace(/^\./, '');
  const packageName = packageOf(type);
  return packageName !== '' && full.startsWith(packageName + '.') ? full.slice(packageName.length + 1) : full;
}

interface Difference {
  type: DifferenceType;
  path: string;
}

class DiffContext {
  readonly differences: Difference[] = [];
  private readonly names: string[] = [];
  private readonly paths: string[] = [];

  constructor(
    readonly original: Side,
    readonly update: Side,
    private readonly visited: Set<string>,
  ) {}

  subcontext(fullName: string): DiffContext {
    const context = new DiffContext(this.original, this.update, this.visited);
    context.names.push(...fullName.split('.'));
    return context;
  }

  add(type: DifferenceType): void {
    const path = '#/' + [...this.names, ...this.paths].join('/');
    this.differences.push({ type, path });
  }

  addAll(differences: readonly Difference[]): void {
    this.differences.push(...differences);
  }

  get compatible(): boolean {
    return this.differences.every((difference) => COMPATIBLE_CHANGES.has(difference.type));
  }

  withName<T>(name: string, run: () => T): T {
    this.names.push(name);
    try {
      return run();
    } finally {
      this.names.pop();
    }
  }

  withPath<T>(path: string, run: () => T): T {
    this.paths.push(path);
    try {
      return run();
    } finally {
      this.paths.pop();
    }
  }

  /** False when this pair of messages is already being (or has been) compared: recursion guard. */
  enter(original: protobuf.Type, update: protobuf.Type): boolean {
    const key = `${original.fullName}\u0000${update.fullName}`;
    if (this.visited.has(key)) return false;
    this.visited.add(key);
    return true;
  }
}

function typesIn(names: readonly string[], root: protobuf.Root): Array<protobuf.Type | protobuf.Enum> {
  const types: Array<protobuf.Type | protobuf.Enum> = [];
  for (const name of names) {
    const found = root.lookup(name);
    if (found instanceof protobuf.Type || found instanceof protobuf.Enum) types.push(found);
  }
  return types;
}

function nestedTypes(type: protobuf.Type): Array<protobuf.Type | protobuf.Enum> {
  return type.nestedArray.filter((nested): nested is protobuf.Type | protobuf.Enum => nested instanceof protobuf.Type || nested instanceof protobuf.Enum);
}

function compareTypeElements(context: DiffContext, original: Array<protobuf.Type | protobuf.Enum>, update: Array<protobuf.Type | protobuf.Enum>): void {
  const index = (types: Array<protobuf.Type | protobuf.Enum>) => {
    const messages = new Map<string, { type: protobuf.Type; position: number }>();
    const enums = new Map<string, protobuf.Enum>();
    let position = 0;
    for (const type of types) {
      if (type instanceof protobuf.Type) messages.set(type.name, { type, position: position++ });
      else enums.set(type.name, type);
    }
    return { messages, enums };
  };
  const before = index(original);
  const after = index(update);
  for (const name of [...new Set([...before.messages.keys(), ...after.messages.keys()])].sort()) {
    context.withName(name, () => {
      const originalMessage = before.messages.get(name);
      const updateMessage = after.messages.get(name);
      if (updateMessage === undefined) context.add('MESSAGE_REMOVED');
      else if (originalMessage === undefined) context.add('MESSAGE_ADDED');
      else {
        compareMessages(context, originalMessage.type, updateMessage.type);
        if (originalMessage.position !== updateMessage.position) context.add('MESSAGE_MOVED');
      }
    });
  }
  for (const name of [...new Set([...before.enums.keys(), ...after.enums.keys()])].sort()) {
    context.withName(name, () => {
      const originalEnum = before.enums.get(name);
      const updateEnum = after.enums.get(name);
      if (updateEnum === undefined) context.add('ENUM_REMOVED');
      else if (originalEnum === undefined) context.add('ENUM_ADDED');
      else compareEnums(context, originalEnum, updateEnum);
    });
  }
}

function compareEnums(context: DiffContext, original: protobuf.Enum, update: protobuf.Enum): void {
  const byNumber = (type: protobuf.Enum) => {
    const map = new Map<number, string>();
    for (const [name, number] of Object.entries(type.values)) if (!map.has(number)) map.set(number, name);
    return map;
  };
  const before = byNumber(original);
  const after = byNumber(update);
  for (const number of [...new Set([...before.keys(), ...after.keys()])].sort((a, b) => a - b)) {
    context.withPath(String(number), () => {
      if (!after.has(number)) context.add('ENUM_CONST_REMOVED');
      else if (!before.has(number)) context.add('ENUM_CONST_ADDED');
      else if (before.get(number) !== after.get(number)) context.add('ENUM_CONST_CHANGED');
    });
  }
}

function compareMessages(context: DiffContext, original: protobuf.Type, update: protobuf.Type): void {
  if (context.enter(original, update)) {
    const topLevel = (type: protobuf.Type) => new Map(type.fieldsArray.filter((field) => !inRealOneof(field)).map((field) => [field.id, field]));
    const originalByTag = topLevel(original);
    const updateByTag = topLevel(update);
    const originalAllByTag = new Map(original.fieldsArray.map((field) => [field.id, field]));
    const updateAllByTag = new Map(update.fieldsArray.map((field) => [field.id, field]));
    const oneofOf = (field: protobuf.Field | undefined) => (field !== undefined && inRealOneof(field) ? field.partOf!.name : undefined);
    const originalOneofFieldTags = new Set(original.fieldsArray.filter(inRealOneof).map((field) => field.id));
    const originalOneofs = new Map(realOneofs(original).map((oneof) => [oneof.name, oneof]));
    const updateOneofs = new Map(realOneofs(update).map((oneof) => [oneof.name, oneof]));

    for (const oneof of realOneofs(update)) {
      context.withPath(oneof.name, () => {
        let moved = 0;
        let existing = 0;
        for (const field of oneof.fieldsArray) {
          if (originalByTag.has(field.id)) {
            originalByTag.delete(field.id); // moved into the oneof: not a removal
            moved++;
          } else if (originalOneofFieldTags.has(field.id)) {
            existing++;
          }
        }
        if (moved > 1) context.add('MULTIPLE_FIELDS_MOVED_TO_ONEOF');
        else if (moved === 1 && existing > 0) context.add('FIELD_MOVED_TO_EXISTING_ONEOF');
      });
    }

    for (const name of [...new Set([...originalOneofs.keys(), ...updateOneofs.keys()])].sort()) {
      context.withPath(name, () => {
        const originalOneof = originalOneofs.get(name);
        const updateOneof = updateOneofs.get(name);
        if (updateOneof === undefined) context.add('ONEOF_REMOVED');
        else if (originalOneof === undefined) context.add('ONEOF_ADDED');
        else {
          const before = new Map(originalOneof.fieldsArray.map((field) => [field.id, field]));
          const after = new Map(updateOneof.fieldsArray.map((field) => [field.id, field]));
          for (const tag of [...new Set([...before.keys(), ...after.keys()])].sort((a, b) => a - b)) {
            context.withPath(String(tag), () => {
              const originalField = before.get(tag);
              const updateField = after.get(tag);
              if (updateField === undefined) {
                if (!updateAllByTag.has(tag)) context.add('ONEOF_FIELD_REMOVED');
              } else if (originalField === undefined) context.add('ONEOF_FIELD_ADDED');
              else compareFields(context, originalField, updateField);
            });
          }
        }
      });
    }

    for (const tag of [...new Set([...originalByTag.keys(), ...updateByTag.keys()])].sort((a, b) => a - b)) {
      context.withPath(String(tag), () => {
        const originalField = originalByTag.get(tag);
        const updateField = updateByTag.get(tag);
        if (updateField === undefined) {
          context.add(originalField!.rule === 'required' ? 'REQUIRED_FIELD_REMOVED' : 'FIELD_REMOVED');
        } else if (originalField === undefined) {
          context.add(updateField.rule === 'required' ? 'REQUIRED_FIELD_ADDED' : 'FIELD_ADDED');
        } else {
          compareFields(context, originalField, updateField);
        }
      });
    }

    // Fields whose oneof membership changed: compare their contents by tag.
    for (const tag of [...originalAllByTag.keys()].filter((tag) => updateAllByTag.has(tag)).sort((a, b) => a - b)) {
      const originalOneof = oneofOf(originalAllByTag.get(tag));
      const updateOneof = oneofOf(updateAllByTag.get(tag));
      if (originalOneof === updateOneof) continue;
      context.withPath(String(tag), () => compareFields(context, originalAllByTag.get(tag)!, updateAllByTag.get(tag)!));
    }
  }
  compareTypeElements(context, nestedTypes(original), nestedTypes(update));
}

function compareFields(context: DiffContext, original: protobuf.Field, update: protobuf.Field): void {
  if (original.name !== update.name) context.add('FIELD_NAME_CHANGED');
  compareLabelsAndTypes(
    context,
    labelOf(original, context.original.parsed.syntax),
    labelOf(update, context.update.parsed.syntax),
    fieldTypeOf(original),
    fieldTypeOf(update),
  );
}

function compareLabelsAndTypes(context: DiffContext, originalLabel: Label, updateLabel: Label, original: FieldType, update: FieldType): void {
  if (original.kind !== update.kind) {
    context.add('FIELD_KIND_CHANGED');
    return;
  }
  if (original.kind === 'SCALAR' && update.kind === 'SCALAR') {
    if (original.scalar !== update.scalar) context.add('FIELD_SCALAR_KIND_CHANGED');
    else if (originalLabel !== null && updateLabel !== null && originalLabel !== updateLabel) {
      context.add(original.scalar === 'STRING_OR_BYTES' ? 'FIELD_STRING_OR_BYTES_LABEL_CHANGED' : 'FIELD_NUMERIC_LABEL_CHANGED');
    }
  } else if (original.kind === 'MAP' && update.kind === 'MAP') {
    compareLabelsAndTypes(context, null, null, original.key, update.key);
    compareLabelsAndTypes(context, null, null, original.value, update.value);
  } else if (original.kind === 'MESSAGE' && update.kind === 'MESSAGE') {
    compareMessageTypes(context, original.type, update.type);
  }
}

function compareMessageTypes(context: DiffContext, original: protobuf.Type, update: protobuf.Type): void {
  const originalLocal = localName(original);
  if (originalLocal !== localName(update)) {
    context.add('FIELD_NAMED_TYPE_CHANGED');
    return;
  }
  const originalReference = context.original.parsed.referencedTypes.get(topLevelOf(original).fullName);
  const updateReference = context.update.parsed.referencedTypes.get(topLevelOf(update).fullName);
  if (originalReference !== undefined && originalReference === updateReference) return; // same subject and version
  const subcontext = context.subcontext(originalLocal);
  compareMessages(subcontext, original, update);
  context.addAll(subcontext.differences);
  if (!subcontext.compatible) context.add('FIELD_NAMED_TYPE_CHANGED');
}

function topLevelOf(type: protobuf.ReflectionObject): protobuf.ReflectionObject {
  let current = type;
  while (current.parent instanceof protobuf.Type) current = current.parent;
  return current;
}

const DESCRIPTIONS: Partial<Record<DifferenceType, (path: string, update: string, original: string) => string>> = {
  PACKAGE_CHANGED: (_p, u, o) => `The package of the ${u} schema does not match the package of the ${o} schema`,
  MESSAGE_REMOVED: (p, u, o) => `The ${u} schema is missing a MESSAGE type at path '${p}' in the ${o} schema`,
  FIELD_KIND_CHANGED: (p, u, o) => `The type of a field at path '${p}' in the ${u} schema does not match the ${o} schema`,
  FIELD_SCALAR_KIND_CHANGED: (p, u, o) => `The kind of a SCALAR field at path '${p}' in the ${u} schema does not match its kind in the ${o} schema`,
  FIELD_NAMED_TYPE_CHANGED: (p, u, o) => `The type of a MESSAGE field at path '${p}' in the ${u} schema does not match its type in the ${o} schema`,
  FIELD_NUMERIC_LABEL_CHANGED: (p, u, o) => `The label for a NUMERIC field at path '${p}' in the ${u} schema does not match its label in the ${o} schema`,
  REQUIRED_FIELD_ADDED: (p, u, o) => `A required field at path '${p}' in the ${u} schema is missing in the ${o} schema`,
  REQUIRED_FIELD_REMOVED: (p, u, o) => `The ${u} schema is missing a required field at path '${p}' in the ${o} schema`,
  ONEOF_FIELD_REMOVED: (p, u, o) => `The ${u} schema is missing a oneof field at path '${p}' in the ${o} schema`,
  MULTIPLE_FIELDS_MOVED_TO_ONEOF: (p, u, o) => `Multiple fields in the oneof at path '${p}' in the ${u} schema are outside a oneof in the ${o} schema`,
  FIELD_MOVED_TO_EXISTING_ONEOF: (p, u, o) => `A field in the oneof at path '${p}' in the ${u} schema is outside an existing oneof in the ${o} schema`,
};

export function compareProtobuf(newer: ParsedProtobuf, older: ParsedProtobuf, direction: Direction): Incompatibility[] {
  const [original, update, originalRole, updateRole] =
    direction === 'backward' ? ([older, newer, 'old', 'new'] as const) : ([newer, older, 'new', 'old'] as const);
  const context = new DiffContext({ parsed: original }, { parsed: update }, new Set());
  if (original.packageName !== update.packageName) context.add('PACKAGE_CHANGED');
  compareTypeElements(context, typesIn(original.topLevel, original.root), typesIn(update.topLevel, update.root));
  const seen = new Set<string>();
  const incompatibilities: Incompatibility[] = [];
  for (const difference of context.differences) {
    if (COMPATIBLE_CHANGES.has(difference.type)) continue;
    const key = `${difference.type}\u0000${difference.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const describe = DESCRIPTIONS[difference.type] ?? ((p: string) => `${difference.type} at path '${p}'`);
    incompatibilities.push({ errorType: difference.type, path: difference.path, description: describe(difference.path, updateRole, originalRole) });
  }
  return incompatibilities;
}
