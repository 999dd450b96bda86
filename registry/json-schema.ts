/**
 * JSON Schema: parsed and checked for the shape of the keywords the registry understands, `$ref`s
 * resolved (inside the document — `#/definitions/x`, `#/$defs/x` — or into a referenced schema by
 * its reference name or `$id`), stored compact, and checked for compatibility with a port of the
 * subset of Confluent's JSON Schema diff that matters in practice: types (extended or narrowed,
 * `integer` -> `number`), object properties against open, closed and partially open content
 * models (`additionalProperties`, `patternProperties`), `required`, enums, string, number and
 * array bounds, `allOf`/`anyOf`/`oneOf` and `not`.
 */
import { invalidSchema, jsonDepth, referencesInDependencyOrder, type Direction, type ParsedSchemaBase, type ResolvedReference } from './schema.js';
import type { Incompatibility, RegistryLimits, SchemaReference } from './types.js';

type JsonObject = { [key: string]: unknown };

interface Document {
  /** The reference name, or '' for the schema itself. */
  name: string;
  root: unknown;
}

export interface ParsedJsonSchema extends ParsedSchemaBase {
  readonly schemaType: 'JSON';
  readonly json: unknown;
  readonly document: Document;
  /** Referenced documents by reference name and by `$id`. */
  readonly documents: ReadonlyMap<string, Document>;
}

const TYPE_NAMES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);
const SCHEMA_MAP_KEYWORDS = ['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas'];
const SCHEMA_KEYWORDS = ['additionalProperties', 'additionalItems', 'items', 'not', 'contains', 'propertyNames', 'if', 'then', 'else', 'unevaluatedProperties', 'unevaluatedItems'];
const SCHEMA_ARRAY_KEYWORDS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const NUMBER_KEYWORDS = ['minimum', 'maximum', 'multipleOf', 'minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties'];

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function parseJsonText(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw invalidSchema('JSON', `${what}not JSON (${(error as Error).message})`, error);
  }
}

/** Checks the keywords' shapes and collects every `$ref` (with the document it appears in). */
function validateShape(root: unknown, what: string, refs: string[]): void {
  const stack: Array<{ node: unknown; path: string }> = [{ node: root, path: '#' }];
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    if (typeof node === 'boolean') continue;
    if (!isObject(node)) throw invalidSchema('JSON', `${what}${path}: expected a schema (an object or a boolean), found ${JSON.stringify(node)?.slice(0, 80)}`);
    const type = node['type'];
    if (type !== undefined) {
      const types = Array.isArray(type) ? type : [type];
      for (const name of types) {
        if (typeof name !== 'string' || !TYPE_NAMES.has(name)) throw invalidSchema('JSON', `${what}${path}/type: unknown type ${JSON.stringify(name)}`);
      }
    }
    if (node['$ref'] !== undefined) {
      if (typeof node['$ref'] !== 'string') throw invalidSchema('JSON', `${what}${path}/$ref: expected a string`);
      refs.push(node['$ref']);
    }
    const required = node['required'];
    if (required !== undefined && typeof required !== 'boolean' && !(Array.isArray(required) && required.every((item) => typeof item === 'string'))) {
      throw invalidSchema('JSON', `${what}${path}/required: expected an array of property names`);
    }
    if (node['enum'] !== undefined && !Array.isArray(node['enum'])) throw invalidSchema('JSON', `${what}${path}/enum: expected an array`);
    for (const keyword of NUMBER_KEYWORDS) {
      if (node[keyword] !== undefined && typeof node[keyword] !== 'number') throw invalidSchema('JSON', `${what}${path}/${keyword}: expected a number`);
    }
    if (node['pattern'] !== undefined) {
      if (typeof node['pattern'] !== 'string') throw invalidSchema('JSON', `${what}${path}/pattern: expected a string`);
      compilePattern(node['pattern'], `${what}${path}/pattern`);
    }
    for (const keyword of SCHEMA_MAP_KEYWORDS) {
      const map = node[keyword];
      if (map === undefined) continue;
      if (!isObject(map)) throw invalidSchema('JSON', `${what}${path}/${keyword}: expected an object`);
      for (const [key, child] of Object.entries(map)) {
        if (keyword === 'patternProperties') compilePattern(key, `${what}${path}/patternProperties`);
        stack.push({ node: child, path: `${path}/${keyword}/${key}` });
      }
    }
    for (const keyword of SCHEMA_KEYWORDS) {
      const child = node[keyword];
      if (child === undefined) continue;
      if (keyword === 'items' && Array.isArray(child)) child.forEach((item, index) => stack.push({ node: item, path: `${path}/items/${index}` }));
      else stack.push({ node: child, path: `${path}/${keyword}` });
    }
    for (const keyword of SCHEMA_ARRAY_KEYWORDS) {
      const children = node[keyword];
      if (children === undefined) continue;
      if (!Array.isArray(children) || children.length === 0) throw invalidSchema('JSON', `${what}${path}/${keyword}: expected a non-empty array of schemas`);
      children.forEach((child, index) => stack.push({ node: child, path: `${path}/${keyword}/${index}` }));
    }
  }
}

function compilePattern(pattern: string, where: string): RegExp {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    try {
      return new RegExp(pattern);
    } catch (error) {
      throw invalidSchema('JSON', `${where}: invalid regular expression ${JSON.stringify(pattern)}`, error);
    }
  }
}

function unescapePointer(segment: string): string {
  let decoded = segment;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    // keep as is
  }
  return decoded.replace(/~1/g, '/').replace(/~0/g, '~');
}

interface Located {
  document: Document;
  schema: unknown;
}

class RefResolver {
  constructor(private readonly documents: ReadonlyMap<string, Document>) {}

  /** Follows `$ref` chains; `undefined` when a reference cannot be resolved. */
  resolve(located: Located, depthMax = 64): Located | undefined {
    let current = located;
    for (let hop = 0; hop < depthMax; hop++) {
      const schema = current.schema;
      if (!isObject(schema) || typeof schema['$ref'] !== 'string') return current;
      const next = this.target(schema['$ref'], current.document);
      if (next === undefined) return undefined;
      current = next;
    }
    return undefined; // a cycle of references to references
  }

  private target(ref: string, from: Document): Located | undefined {
    const hash = ref.indexOf('#');
    const base = hash < 0 ? ref : ref.slice(0, hash);
    const fragment = hash < 0 ? '' : ref.slice(hash + 1);
    let document: Document | undefined = from;
    if (base !== '') {
      document = this.documents.get(base) ?? this.documents.get(base.replace(/^\.\//, '')) ?? this.byTail(base);
      if (document === undefined) return undefined;
    }
    if (fragment === '' || fragment === '/') return { document, schema: document.root };
    if (!fragment.startsWith('/')) {
      const anchored = findAnchor(document.root, fragment);
      return anchored === undefined ? undefined : { document, schema: anchored };
    }
    let node: unknown = document.root;
    for (const raw of fragment.slice(1).split('/')) {
      const segment = unescapePointer(raw);
      if (Array.isArray(node)) node = node[Number(segment)];
      else if (isObject(node)) node = node[segment];
      else return undefined;
      if (node === undefined) return undefined;
    }
    return { document, schema: node };
  }

  private byTail(base: string): Document | undefined {
    for (const [name, document] of this.documents) {
      if (name.endsWith('/' + base) || base.endsWith('/' + name)) return document;
    }
    return undefined;
  }
}

function findAnchor(root: unknown, anchor: string): unknown {
  const stack = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) stack.push(...node);
    else if (isObject(node)) {
      if (node['$anchor'] === anchor || node['$id'] === `#${anchor}` || node['id'] === `#${anchor}`) return node;
      stack.push(...Object.values(node));
    }
  }
  return undefined;
}

export function parseJsonSchema(text: string, references: readonly ResolvedReference[], limits: RegistryLimits): ParsedJsonSchema {
  const documents = new Map<string, Document>();
  const pending: Array<{ document: Document; refs: string[] }> = [];
  for (const reference of referencesInDependencyOrder(references, limits)) {
    if (reference.schemaType !== 'JSON') {
      throw invalidSchema('JSON', `reference ${JSON.stringify(reference.name)} (subject ${reference.subject} version ${reference.version}) is a ${reference.schemaType} schema`);
    }
    const root = parseJsonText(reference.schema, `reference ${JSON.stringify(reference.name)}: `);
    const document: Document = { name: reference.name, root };
    documents.set(reference.name, document);
    if (isObject(root) && typeof root['$id'] === 'string') documents.set(root['$id'], document);
    const refs: string[] = [];
    validateShape(root, `reference ${JSON.stringify(reference.name)}: `, refs);
    pending.push({ document, refs });
  }
  const json = parseJsonText(text, '');
  if (jsonDepth(json) > limits.schemaDepthMax) throw invalidSchema('JSON', `nested deeper than ${limits.schemaDepthMax} levels`);
  const document: Document = { name: '', root: json };
  const refs: string[] = [];
  validateShape(json, '', refs);
  pending.push({ document, refs });
  const resolver = new RefResolver(documents);
  for (const { document: from, refs: fromRefs } of pending) {
    for (const ref of fromRefs) {
      if (resolver.resolve({ document: from, schema: { $ref: ref } }) === undefined) {
        throw invalidSchema('JSON', `${from.name === '' ? '' : `reference ${JSON.stringify(from.name)}: `}$ref ${JSON.stringify(ref)} cannot be resolved`);
      }
    }
  }
  const ownReferences: SchemaReference[] = references.map((r) => ({ name: r.name, subject: r.subject, version: r.version }));
  return { schemaType: 'JSON', canonical: JSON.stringify(json), references: ownReferences, json, document, documents };
}

// ---------------------------------------------------------------------------------------------
// The model the diff compares (everit's schema classes, as Confluent's diff sees them).

type Criterion = 'allOf' | 'anyOf' | 'oneOf';

type Model =
  | { kind: 'empty' }
  | { kind: 'false' }
  | { kind: 'combined'; criterion: Criterion; subschemas: Located[] }
  | { kind: 'not'; schema: Located }
  | { kind: 'enum'; values: unknown[] }
  | { kind: 'string'; node: JsonObject }
  | { kind: 'number'; integer: boolean; node: JsonObject }
  | { kind: 'boolean' }
  | { kind: 'null' }
  | { kind: 'object'; node: JsonObject; document: Document }
  | { kind: 'array'; node: JsonObject; document: Document };

const OBJECT_KEYWORDS = ['properties', 'required', 'additionalProperties', 'patternProperties', 'minProperties', 'maxProperties', 'dependencies'];
const ARRAY_KEYWORDS = ['items', 'additionalItems', 'minItems', 'maxItems', 'uniqueItems'];
const STRING_KEYWORDS = ['minLength', 'maxLength', 'pattern'];
const NUMBER_KEYWORDS_MODEL = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'];

function typedModel(type: string, node: JsonObject, document: Document): Model {
  switch (type) {
    case 'string':
      return { kind: 'string', node };
    case 'number':
      return { kind: 'number', integer: false, node };
    case 'integer':
      return { kind: 'number', integer: true, node };
    case 'boolean':
      return { kind: 'boolean' };
    case 'null':
      return { kind: 'null' };
    case 'object':
      return { kind: 'object', node, document };
    default:
      return { kind: 'array', node, document };
  }
}

function modelOf(located: Located): Model {
  const { schema, document } = located;
  if (schema === true) return { kind: 'empty' };
  if (schema === false) return { kind: 'false' };
  const node = schema as JsonObject;
  if (node['enum'] !== undefined) return { kind: 'enum', values: node['enum'] as unknown[] };
  if (node['const'] !== undefined) return { kind: 'enum', values: [node['const']] };
  const combiners = (['allOf', 'anyOf', 'oneOf'] as const).filter((keyword) => Array.isArray(node[keyword]));
  const withoutCombiners = (): JsonObject => {
    const copy = { ...node };
    for (const keyword of combiners) delete copy[keyword];
    return copy;
  };
  const has = (keywords: string[]) => keywords.some((keyword) => node[keyword] !== undefined);
  const typeKeyword = node['type'];
  const ownConstraints = typeKeyword !== undefined || has(OBJECT_KEYWORDS) || has(ARRAY_KEYWORDS) || has(STRING_KEYWORDS) || has(NUMBER_KEYWORDS_MODEL) || node['not'] !== undefined;
  if (combiners.length > 0) {
    const parts: Located[] = combiners.map((keyword) => ({ document, schema: { [keyword]: node[keyword] } }));
    if (combiners.length === 1 && !ownConstraints) {
      const criterion = combiners[0]!;
      return { kind: 'combined', criterion, subschemas: (node[criterion] as unknown[]).map((sub) => ({ document, schema: sub })) };
    }
    if (ownConstraints) parts.unshift({ document, schema: withoutCombiners() });
    return { kind: 'combined', criterion: 'allOf', subschemas: parts };
  }
  if (node['not'] !== undefined && typeKeyword === undefined && !has(OBJECT_KEYWORDS) && !has(ARRAY_KEYWORDS) && !has(STRING_KEYWORDS) && !has(NUMBER_KEYWORDS_MODEL)) {
    return { kind: 'not', schema: { document, schema: node['not'] } };
  }
  if (Array.isArray(typeKeyword)) {
    const types = [...new Set(typeKeyword as string[])];
    if (types.length === 1) return typedModel(types[0]!, node, document);
    // `integer` is covered by `number`.
    const effective = types.includes('number') ? types.filter((type) => type !== 'integer') : types;
    if (effective.length === 1) return typedModel(effective[0]!, node, document);
    return {
      kind: 'combined',
      criterion: 'anyOf',
      subschemas: effective.map((type) => ({ document, schema: { ...node, type } })),
    };
  }
  if (typeof typeKeyword === 'string') return typedModel(typeKeyword, node, document);
  if (has(OBJECT_KEYWORDS)) return { kind: 'object', node, document };
  if (has(ARRAY_KEYWORDS)) return { kind: 'array', node, document };
  if (has(STRING_KEYWORDS)) return { kind: 'string', node };
  if (has(NUMBER_KEYWORDS_MODEL)) return { kind: 'number', integer: false, node };
  return { kind: 'empty' };
}

// ---------------------------------------------------------------------------------------------
// The diff.

const COMPATIBLE_CHANGES = new Set([
  'ID_CHANGED',
  'DESCRIPTION_CHANGED',
  'TITLE_CHANGED',
  'DEFAULT_CHANGED',
  'SCHEMA_REMOVED',
  'TYPE_EXTENDED',
  'MAX_LENGTH_INCREASED',
  'MAX_LENGTH_REMOVED',
  'MIN_LENGTH_DECREASED',
  'MIN_LENGTH_REMOVED',
  'PATTERN_REMOVED',
  'MAXIMUM_INCREASED',
  'MAXIMUM_REMOVED',
  'MINIMUM_DECREASED',
  'MINIMUM_REMOVED',
  'EXCLUSIVE_MAXIMUM_INCREASED',
  'EXCLUSIVE_MAXIMUM_REMOVED',
  'EXCLUSIVE_MINIMUM_DECREASED',
  'EXCLUSIVE_MINIMUM_REMOVED',
  'MULTIPLE_OF_REDUCED',
  'MULTIPLE_OF_REMOVED',
  'REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED',
  'REQUIRED_ATTRIBUTE_REMOVED',
  'DEPENDENCY_ARRAY_NARROWED',
  'DEPENDENCY_ARRAY_REMOVED',
  'DEPENDENCY_SCHEMA_REMOVED',
  'MAX_PROPERTIES_INCREASED',
  'MAX_PROPERTIES_REMOVED',
  'MIN_PROPERTIES_DECREASED',
  'MIN_PROPERTIES_REMOVED',
  'ADDITIONAL_PROPERTIES_ADDED',
  'ADDITIONAL_PROPERTIES_EXTENDED',
  'PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL',
  'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL',
  'OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL',
  'PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL',
  'PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL',
  'PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
  'PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
  'MAX_ITEMS_INCREASED',
  'MAX_ITEMS_REMOVED',
  'MIN_ITEMS_DECREASED',
  'MIN_ITEMS_REMOVED',
  'UNIQUE_ITEMS_REMOVED',
  'ADDITIONAL_ITEMS_ADDED',
  'ADDITIONAL_ITEMS_EXTENDED',
  'ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL',
  'ITEM_ADDED_TO_CLOSED_CONTENT_MODEL',
  'ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL',
  'ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL',
  'ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
  'ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
  'ENUM_ARRAY_EXTENDED',
  'COMBINED_TYPE_EXTENDED',
  'PRODUCT_TYPE_NARROWED',
  'SUM_TYPE_EXTENDED',
  'NOT_TYPE_NARROWED',
]);

interface Difference {
  type: string;
  path: string;
}

class DiffContext {
  readonly differences: Difference[] = [];
  private readonly path: string[];

  constructor(
    readonly resolver: RefResolver,
    private readonly visiting: Map<unknown, Set<unknown>>,
    path: string[] = [],
  ) {
    this.path = [...path];
  }

  subcontext(): DiffContext {
    return new DiffContext(this.resolver, this.visiting, this.path);
  }

  add(type: string, ...extraPath: string[]): void {
    this.differences.push({ type, path: '#/' + [...this.path, ...extraPath].join('/') });
  }

  addAll(differences: readonly Difference[]): void {
    this.differences.push(...differences);
  }

  get compatible(): boolean {
    return this.differences.every((difference) => COMPATIBLE_CHANGES.has(difference.type));
  }

  at(segment: string, run: () => void): void {
    this.path.push(segment);
    try {
      run();
    } finally {
      this.path.pop();
    }
  }

  /** Recursion guard for recursive schemas: false when this pair is already being compared. */
  enter(original: unknown, update: unknown): boolean {
    if (typeof original !== 'object' || original === null) return true;
    let updates = this.visiting.get(original);
    if (updates === undefined) {
      updates = new Set();
      this.visiting.set(original, updates);
    }
    if (updates.has(update)) return false;
    updates.add(update);
    return true;
  }
}

function canonicalValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalValue).join(',')}]`;
  if (isObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalValue(value[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

function compare(context: DiffContext, originalIn: Located | undefined, updateIn: Located | undefined): void {
  if (originalIn === undefined && updateIn === undefined) return;
  if (originalIn === undefined) {
    context.add('SCHEMA_ADDED');
    return;
  }
  if (updateIn === undefined) {
    context.add('SCHEMA_REMOVED');
    return;
  }
  const original = context.resolver.resolve(originalIn) ?? { document: originalIn.document, schema: true };
  const update = context.resolver.resolve(updateIn) ?? { document: updateIn.document, schema: true };
  const originalModel = modelOf(original);
  const updateModel = modelOf(update);

  if (originalModel.kind !== 'combined' && updateModel.kind === 'combined') {
    if (updateModel.subschemas.length === 1) {
      const sub = context.subcontext();
      compare(sub, original, updateModel.subschemas[0]);
      if (sub.compatible) {
        context.addAll(sub.differences);
        return;
      }
    } else if (updateModel.criterion !== 'allOf') {
      for (const subschema of updateModel.subschemas) {
        const sub = context.subcontext();
        compare(sub, original, subschema);
        if (sub.compatible) {
          context.addAll(sub.differences);
          context.add('SUM_TYPE_EXTENDED');
          return;
        }
      }
    }
  } else if (originalModel.kind === 'combined' && updateModel.kind !== 'combined' && originalModel.subschemas.length === 1) {
    const sub = context.subcontext();
    compare(sub, originalModel.subschemas[0], update);
    if (sub.compatible) {
      context.addAll(sub.differences);
      return;
    }
  }

  if (originalModel.kind !== updateModel.kind) {
    if (originalModel.kind === 'false' || updateModel.kind === 'empty') return;
    context.add('TYPE_CHANGED');
    return;
  }
  if (!context.enter(original.schema, update.schema)) return;
  const o = original.schema;
  const u = update.schema;
  if (isObject(o) && isObject(u)) {
    if (o['default'] !== undefined || u['default'] !== undefined) {
      if (canonicalValue(o['default']) !== canonicalValue(u['default'])) context.add('DEFAULT_CHANGED');
    }
  }
  switch (originalModel.kind) {
    case 'string':
      compareString(context, originalModel.node, (updateModel as typeof originalModel).node);
      return;
    case 'number':
      compareNumber(context, originalModel, updateModel as typeof originalModel);
      return;
    case 'enum':
      compareEnum(context, originalModel.values, (updateModel as typeof originalModel).values);
      return;
    case 'combined':
      compareCombined(context, originalModel, updateModel as typeof originalModel);
      return;
    case 'not': {
      const sub = context.subcontext();
      compare(sub, (updateModel as typeof originalModel).schema, originalModel.schema);
      if (sub.differences.length === 0) return;
      context.add(sub.compatible ? 'NOT_TYPE_NARROWED' : 'NOT_TYPE_EXTENDED');
      return;
    }
    case 'object':
      compareObject(context, originalModel, updateModel as typeof originalModel);
      return;
    case 'array':
      compareArray(context, originalModel, updateModel as typeof originalModel);
      return;
    default:
      return;
  }
}

function numberOf(node: JsonObject, keyword: string): number | undefined {
  const value = node[keyword];
  return typeof value === 'number' ? value : undefined;
}

/** A numeric bound: added, removed, increased or decreased (which of those widen depends on the bound). */
function compareBound(context: DiffContext, original: number | undefined, update: number | undefined, name: string, keyword: string): void {
  if (original === update) return;
  if (original === undefined) context.add(`${name}_ADDED`, keyword);
  else if (update === undefined) context.add(`${name}_REMOVED`, keyword);
  else context.add(update > original ? `${name}_INCREASED` : `${name}_DECREASED`, keyword);
}

function compareString(context: DiffContext, original: JsonObject, update: JsonObject): void {
  compareBound(context, numberOf(original, 'maxLength'), numberOf(update, 'maxLength'), 'MAX_LENGTH', 'maxLength');
  compareBound(context, numberOf(original, 'minLength'), numberOf(update, 'minLength'), 'MIN_LENGTH', 'minLength');
  const before = original['pattern'];
  const after = update['pattern'];
  if (before !== after) {
    if (before === undefined) context.add('PATTERN_ADDED', 'pattern');
    else if (after === undefined) context.add('PATTERN_REMOVED', 'pattern');
    else context.add('PATTERN_CHANGED', 'pattern');
  }
}

function compareNumber(context: DiffContext, original: { integer: boolean; node: JsonObject }, update: { integer: boolean; node: JsonObject }): void {
  compareBound(context, numberOf(original.node, 'maximum'), numberOf(update.node, 'maximum'), 'MAXIMUM', 'maximum');
  compareBound(context, numberOf(original.node, 'minimum'), numberOf(update.node, 'minimum'), 'MINIMUM', 'minimum');
  compareBound(context, numberOf(original.node, 'exclusiveMaximum'), numberOf(update.node, 'exclusiveMaximum'), 'EXCLUSIVE_MAXIMUM', 'exclusiveMaximum');
  compareBound(context, numberOf(original.node, 'exclusiveMinimum'), numberOf(update.node, 'exclusiveMinimum'), 'EXCLUSIVE_MINIMUM', 'exclusiveMinimum');
  const before = numberOf(original.node, 'multipleOf');
  const after = numberOf(update.node, 'multipleOf');
  if (before !== after) {
    if (before === undefined) context.add('MULTIPLE_OF_ADDED', 'multipleOf');
    else if (after === undefined) context.add('MULTIPLE_OF_REMOVED', 'multipleOf');
    else if (Number.isInteger(before / after)) context.add('MULTIPLE_OF_REDUCED', 'multipleOf');
    else if (Number.isInteger(after / before)) context.add('MULTIPLE_OF_EXPANDED', 'multipleOf');
    else context.add('MULTIPLE_OF_CHANGED', 'multipleOf');
  }
  if (original.integer && !update.integer) context.add('TYPE_EXTENDED');
  else if (!original.integer && update.integer) context.add('TYPE_NARROWED');
}

function compareEnum(context: DiffContext, original: unknown[], update: unknown[]): void {
  const before = new Set(original.map(canonicalValue));
  const after = new Set(update.map(canonicalValue));
  const added = [...after].some((value) => !before.has(value));
  const removed = [...before].some((value) => !after.has(value));
  if (added && removed) context.add('ENUM_ARRAY_CHANGED', 'enum');
  else if (removed) context.add('ENUM_ARRAY_NARROWED', 'enum');
  else if (added) context.add('ENUM_ARRAY_EXTENDED', 'enum');
}

function compareCombined(context: DiffContext, original: { criterion: Criterion; subschemas: Located[] }, update: { criterion: Criterion; subschemas: Located[] }): void {
  if (original.criterion !== update.criterion) {
    const extended = (original.criterion === 'allOf' && update.criterion !== 'allOf') || (original.criterion === 'oneOf' && update.criterion === 'anyOf');
    if (!extended) {
      context.add('COMBINED_TYPE_CHANGED');
      return;
    }
    context.add('COMBINED_TYPE_EXTENDED');
  }
  const originalSize = original.subschemas.length;
  const updateSize = update.subschemas.length;
  if (originalSize < updateSize) context.add(update.criterion === 'allOf' ? 'PRODUCT_TYPE_EXTENDED' : 'SUM_TYPE_EXTENDED');
  else if (originalSize > updateSize) context.add(update.criterion === 'allOf' ? 'PRODUCT_TYPE_NARROWED' : 'SUM_TYPE_NARROWED');
  // Match old subschemas with new ones (bipartite matching on compatibility).
  const compatibleWith: number[][] = original.subschemas.map((originalSub) => {
    const matches: number[] = [];
    update.subschemas.forEach((updateSub, index) => {
      const sub = context.subcontext();
      compare(sub, originalSub, updateSub);
      if (sub.compatible) matches.push(index);
    });
    return matches;
  });
  const matchedTo = new Array<number>(updateSize).fill(-1);
  const augment = (originalIndex: number, seen: boolean[]): boolean => {
    for (const updateIndex of compatibleWith[originalIndex]!) {
      if (seen[updateIndex]) continue;
      seen[updateIndex] = true;
      if (matchedTo[updateIndex] === -1 || augment(matchedTo[updateIndex]!, seen)) {
        matchedTo[updateIndex] = originalIndex;
        return true;
      }
    }
    return false;
  };
  let matching = 0;
  for (let index = 0; index < originalSize; index++) if (augment(index, new Array<boolean>(updateSize).fill(false))) matching++;
  if (matching < Math.min(originalSize, updateSize)) context.add('COMBINED_TYPE_SUBSCHEMAS_CHANGED');
}

interface ObjectView {
  properties: Map<string, Located>;
  required: Set<string>;
  /** true, false, or the schema additional properties must match. */
  additional: boolean | Located;
  patterns: Array<{ pattern: RegExp; schema: Located }>;
  node: JsonObject;
}

function objectView(model: { node: JsonObject; document: Document }): ObjectView {
  const { node, document } = model;
  const properties = new Map<string, Located>();
  if (isObject(node['properties'])) for (const [key, schema] of Object.entries(node['properties'])) properties.set(key, { document, schema });
  const required = new Set(Array.isArray(node['required']) ? (node['required'] as string[]) : []);
  const rawAdditional = node['additionalProperties'];
  let additional: boolean | Located = true;
  if (rawAdditional === false) additional = false;
  else if (isObject(rawAdditional) && Object.keys(rawAdditional).length > 0) additional = { document, schema: rawAdditional };
  const patterns: Array<{ pattern: RegExp; schema: Located }> = [];
  if (isObject(node['patternProperties'])) {
    for (const [pattern, schema] of Object.entries(node['patternProperties'])) patterns.push({ pattern: compilePattern(pattern, 'patternProperties'), schema: { document, schema } });
  }
  return { properties, required, additional, patterns, node };
}

function isOpenContentModel(view: ObjectView): boolean {
  return view.patterns.length === 0 && view.additional === true;
}

function schemaFromPartiallyOpenContentModel(view: ObjectView, property: string): Located | undefined {
  for (const { pattern, schema } of view.patterns) if (pattern.test(property)) return schema;
  return typeof view.additional === 'object' ? view.additional : undefined;
}

function hasDefault(located: Located): boolean {
  return isObject(located.schema) && located.schema['default'] !== undefined;
}

function isEmptySchema(context: DiffContext, located: Located): boolean {
  const resolved = context.resolver.resolve(located);
  return resolved !== undefined && modelOf(resolved).kind === 'empty';
}

function isFalseSchema(context: DiffContext, located: Located): boolean {
  const resolved = context.resolver.resolve(located);
  return resolved !== undefined && modelOf(resolved).kind === 'false';
}

function compareObject(context: DiffContext, originalModel: { node: JsonObject; document: Document }, updateModel: { node: JsonObject; document: Document }): void {
  const original = objectView(originalModel);
  const update = objectView(updateModel);
  context.at('required', () => {
    for (const property of original.properties.keys()) {
      if (!update.properties.has(property)) continue;
      const wasRequired = original.required.has(property);
      const isRequired = update.required.has(property);
      if (wasRequired && !isRequired) context.add('REQUIRED_ATTRIBUTE_REMOVED', property);
      else if (!wasRequired && isRequired) {
        context.add(hasDefault(update.properties.get(property)!) ? 'REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED' : 'REQUIRED_ATTRIBUTE_ADDED', property);
      }
    }
  });
  context.at('properties', () => {
    const keys = [...new Set([...original.properties.keys(), ...update.properties.keys()])].sort();
    for (const property of keys) {
      context.at(property, () => {
        const originalSchema = original.properties.get(property);
        const updateSchema = update.properties.get(property);
        if (updateSchema === undefined) {
          if (isOpenContentModel(update)) context.add('PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL');
          else {
            const partial = schemaFromPartiallyOpenContentModel(update, property);
            if (partial !== undefined) {
              const sub = context.subcontext();
              compare(sub, originalSchema, partial);
              context.addAll(sub.differences);
              context.add(sub.compatible ? 'PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL' : 'PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL');
            } else {
              context.add(isFalseSchema(context, originalSchema!) ? 'PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL' : 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL');
            }
          }
        } else if (originalSchema === undefined) {
          if (isOpenContentModel(original)) {
            context.add(isEmptySchema(context, updateSchema) ? 'PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL' : 'PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL');
          } else {
            const partial = schemaFromPartiallyOpenContentModel(original, property);
            if (partial !== undefined) {
              const sub = context.subcontext();
              compare(sub, partial, updateSchema);
              context.addAll(sub.differences);
              context.add(sub.compatible ? 'PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL' : 'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL');
            }
            if (update.required.has(property)) {
              context.add(hasDefault(updateSchema) ? 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL' : 'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL');
            } else {
              context.add('OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL');
            }
          }
        } else {
          compare(context, originalSchema, updateSchema);
        }
      });
    }
  });
  context.at('dependencies', () => compareDependencies(context, originalModel, updateModel));
  context.at('additionalProperties', () => {
    const before = original.additional;
    const after = update.additional;
    const permitsBefore = before !== false;
    const permitsAfter = after !== false;
    if (permitsBefore !== permitsAfter) context.add(permitsAfter ? 'ADDITIONAL_PROPERTIES_ADDED' : 'ADDITIONAL_PROPERTIES_REMOVED');
    else if (before === true && typeof after === 'object') context.add('ADDITIONAL_PROPERTIES_NARROWED');
    else if (typeof before === 'object' && after === true) context.add('ADDITIONAL_PROPERTIES_EXTENDED');
    else if (typeof before === 'object' && typeof after === 'object') compare(context, before, after);
  });
  compareBound(context, numberOf(original.node, 'maxProperties'), numberOf(update.node, 'maxProperties'), 'MAX_PROPERTIES', 'maxProperties');
  compareBound(context, numberOf(original.node, 'minProperties'), numberOf(update.node, 'minProperties'), 'MIN_PROPERTIES', 'minProperties');
}

function compareDependencies(context: DiffContext, original: { node: JsonObject; document: Document }, update: { node: JsonObject; document: Document }): void {
  const before = isObject(original.node['dependencies']) ? original.node['dependencies'] : {};
  const after = isObject(update.node['dependencies']) ? update.node['dependencies'] : {};
  for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    context.at(key, () => {
      const o = before[key];
      const u = after[key];
      const isArrayDependency = Array.isArray(o) || Array.isArray(u);
      if (isArrayDependency) {
        if (u === undefined) context.add('DEPENDENCY_ARRAY_REMOVED');
        else if (o === undefined) context.add('DEPENDENCY_ARRAY_ADDED');
        else if (Array.isArray(o) && Array.isArray(u)) {
          const oldSet = new Set(o as string[]);
          const newSet = new Set(u as string[]);
          const grew = [...newSet].some((item) => !oldSet.has(item));
          const shrank = [...oldSet].some((item) => !newSet.has(item));
          if (grew && shrank) context.add('DEPENDENCY_ARRAY_CHANGED');
          else if (grew) context.add('DEPENDENCY_ARRAY_EXTENDED');
          else if (shrank) context.add('DEPENDENCY_ARRAY_NARROWED');
        } else context.add('DEPENDENCY_ARRAY_CHANGED');
      } else if (u === undefined) context.add('DEPENDENCY_SCHEMA_REMOVED');
      else if (o === undefined) context.add('DEPENDENCY_SCHEMA_ADDED');
      else compare(context, { document: original.document, schema: o }, { document: update.document, schema: u });
    });
  }
}

function compareArray(context: DiffContext, original: { node: JsonObject; document: Document }, update: { node: JsonObject; document: Document }): void {
  compareBound(context, numberOf(original.node, 'maxItems'), numberOf(update.node, 'maxItems'), 'MAX_ITEMS', 'maxItems');
  compareBound(context, numberOf(original.node, 'minItems'), numberOf(update.node, 'minItems'), 'MIN_ITEMS', 'minItems');
  const uniqueBefore = original.node['uniqueItems'] === true;
  const uniqueAfter = update.node['uniqueItems'] === true;
  if (!uniqueBefore && uniqueAfter) context.add('UNIQUE_ITEMS_ADDED', 'uniqueItems');
  else if (uniqueBefore && !uniqueAfter) context.add('UNIQUE_ITEMS_REMOVED', 'uniqueItems');

  const itemsOf = (model: { node: JsonObject; document: Document }) => {
    const items = model.node['items'] ?? model.node['prefixItems'];
    if (Array.isArray(items)) return { tuple: items.map((schema) => ({ document: model.document, schema })) as Located[], all: undefined };
    return { tuple: undefined, all: items === undefined ? undefined : ({ document: model.document, schema: items } as Located) };
  };
  const additionalOf = (model: { node: JsonObject; document: Document }): boolean | Located => {
    const raw = model.node['additionalItems'] ?? (Array.isArray(model.node['prefixItems']) ? model.node['items'] : undefined);
    if (raw === false) return false;
    if (isObject(raw) && Object.keys(raw).length > 0) return { document: model.document, schema: raw };
    return true;
  };
  const before = itemsOf(original);
  const after = itemsOf(update);
  if (before.tuple === undefined && after.tuple === undefined) {
    context.at('items', () => {
      if (before.all === undefined && after.all === undefined) return;
      if (after.all === undefined) return; // any item accepted now
      if (before.all === undefined) {
        if (!isEmptySchema(context, after.all)) context.add('TYPE_CHANGED');
        return;
      }
      compare(context, before.all, after.all);
    });
    return;
  }
  const beforeTuple = before.tuple ?? [];
  const afterTuple = after.tuple ?? [];
  const beforeAdditional = before.tuple === undefined ? (before.all ?? true) : additionalOf(original);
  const afterAdditional = after.tuple === undefined ? (after.all ?? true) : additionalOf(update);
  context.at('items', () => {
    const length = Math.max(beforeTuple.length, afterTuple.length);
    for (let index = 0; index < length; index++) {
      context.at(String(index), () => {
        const o = beforeTuple[index];
        const u = afterTuple[index];
        if (o !== undefined && u !== undefined) compare(context, o, u);
        else if (u === undefined) {
          // removed from the tuple: the new schema's additional items must take it
          if (afterAdditional === true) context.add('ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL');
          else if (afterAdditional === false) context.add(isFalseSchema(context, o!) ? 'ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL' : 'ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL');
          else {
            const sub = context.subcontext();
            compare(sub, o, afterAdditional);
            context.addAll(sub.differences);
            context.add(sub.compatible ? 'ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL' : 'ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL');
          }
        } else {
          if (beforeAdditional === true) context.add(isEmptySchema(context, u) ? 'ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL' : 'ITEM_ADDED_TO_OPEN_CONTENT_MODEL');
          else if (beforeAdditional === false) context.add('ITEM_ADDED_TO_CLOSED_CONTENT_MODEL');
          else {
            const sub = context.subcontext();
            compare(sub, beforeAdditional, u);
            context.addAll(sub.differences);
            context.add(sub.compatible ? 'ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL' : 'ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL');
          }
        }
      });
    }
  });
  context.at('additionalItems', () => {
    const permitsBefore = beforeAdditional !== false;
    const permitsAfter = afterAdditional !== false;
    if (permitsBefore !== permitsAfter) context.add(permitsAfter ? 'ADDITIONAL_ITEMS_ADDED' : 'ADDITIONAL_ITEMS_REMOVED');
    else if (beforeAdditional === true && typeof afterAdditional === 'object') context.add('ADDITIONAL_ITEMS_NARROWED');
    else if (typeof beforeAdditional === 'object' && afterAdditional === true) context.add('ADDITIONAL_ITEMS_EXTENDED');
    else if (typeof beforeAdditional === 'object' && typeof afterAdditional === 'object') compare(context, beforeAdditional, afterAdditional);
  });
}

const DESCRIPTIONS: Record<string, (path: string, update: string, original: string) => string> = {
  TYPE_CHANGED: (p, u, o) => `A type at path '${p}' is different between the ${o} schema and the ${u} schema`,
  TYPE_NARROWED: (p, u, o) => `An array of types at path '${p}' in the ${u} schema is narrower than the array of types in the ${o} schema`,
  REQUIRED_ATTRIBUTE_ADDED: (p, u, o) => `The required property at path '${p}' in the ${u} schema is not required in the ${o} schema`,
  REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL: (p, u, o) => `A required property at path '${p}' in the ${u} schema is missing in the ${o} schema, which has a closed content model`,
  PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL: (p, u, o) => `The property at path '${p}' was added to the ${u} schema, but the ${o} schema has an open content model that may have carried it with any value`,
  PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL: (p, u, o) => `The property at path '${p}' of the ${o} schema is missing in the ${u} schema, which has a closed content model`,
  PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: (p, u, o) => `The property at path '${p}' in the ${u} schema is not covered by the partially open content model of the ${o} schema`,
  PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: (p, u, o) => `The property at path '${p}' of the ${o} schema is not covered by the partially open content model of the ${u} schema`,
  ADDITIONAL_PROPERTIES_REMOVED: (p, u, o) => `The ${u} schema at path '${p}' no longer allows additional properties that the ${o} schema allowed`,
  ADDITIONAL_PROPERTIES_NARROWED: (p, u, o) => `The additional properties at path '${p}' in the ${u} schema are narrower than in the ${o} schema`,
  ENUM_ARRAY_NARROWED: (p, u, o) => `An enum at path '${p}' in the ${u} schema is missing values of the enum in the ${o} schema`,
  ENUM_ARRAY_CHANGED: (p, u, o) => `An enum at path '${p}' in the ${u} schema does not match the enum in the ${o} schema`,
  COMBINED_TYPE_CHANGED: (p, u, o) => `The combined type (allOf/anyOf/oneOf) at path '${p}' in the ${u} schema does not match the one in the ${o} schema`,
  COMBINED_TYPE_SUBSCHEMAS_CHANGED: (p, u, o) => `The subschemas of the combined type at path '${p}' in the ${u} schema do not match those of the ${o} schema`,
  SUM_TYPE_NARROWED: (p, u, o) => `The ${u} schema drops alternatives (anyOf/oneOf) at path '${p}' that the ${o} schema has`,
  PRODUCT_TYPE_EXTENDED: (p, u, o) => `The ${u} schema adds allOf constraints at path '${p}' the ${o} schema does not have`,
};

export function compareJsonSchema(newer: ParsedJsonSchema, older: ParsedJsonSchema, direction: Direction): Incompatibility[] {
  const [original, update, originalRole, updateRole] =
    direction === 'backward' ? ([older, newer, 'old', 'new'] as const) : ([newer, older, 'new', 'old'] as const);
  // Each side resolves $refs against its own documents.
  const context = new DiffContext(new CombinedResolver(original, update), new Map());
  compare(context, { document: original.document, schema: original.json }, { document: update.document, schema: update.json });
  const seen = new Set<string>();
  const incompatibilities: Incompatibility[] = [];
  for (const difference of context.differences) {
    if (COMPATIBLE_CHANGES.has(difference.type)) continue;
    const key = `${difference.type}\u0000${difference.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const describe = DESCRIPTIONS[difference.type] ?? ((p: string, u: string, o: string) => `${difference.type} at path '${p}' (${u} schema against the ${o} schema)`);
    incompatibilities.push({ errorType: difference.type, path: difference.path, description: describe(difference.path, updateRole, originalRole) });
  }
  return incompatibilities;
}

/** Resolves a location against the documents of the schema it came from. */
class CombinedResolver extends RefResolver {
  private readonly originalResolver: RefResolver;
  private readonly updateResolver: RefResolver;
  private readonly originalDocuments: Set<Document>;

  constructor(original: ParsedJsonSchema, update: ParsedJsonSchema) {
    super(new Map());
    this.originalResolver = new RefResolver(original.documents);
    this.updateResolver = new RefResolver(update.documents);
    this.originalDocuments = new Set([original.document, ...original.documents.values()]);
  }

  override resolve(located: Located): Located | undefined {
    return this.originalDocuments.has(located.document) ? this.originalResolver.resolve(located) : this.updateResolver.resolve(located);
  }
}
