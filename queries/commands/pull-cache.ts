/**
 * The prepared-plan cache of pull queries: a key lookup repeats the same statement with other
 * literals, and parsing, validating, analyzing and planning it costs more than the lookup.
 *
 * - The shape of a statement is its token sequence with the string and integer literals replaced
 *   by placeholders (`'k1'` and `'k2'` give the same shape; an integer's placeholder says whether
 *   it is an INT or a BIGINT literal, which the parser decides from its value). Numbers after
 *   LIMIT or a minus sign stay part of the shape.
 * - The first statement of a shape is prepared as usual (the prepared pull query P1 runs); then
 *   it is prepared a second time with other values in the literals (the probe, P2). P1 and P2
 *   must be equal everywhere except in literal nodes whose values are exactly those of the
 *   literals (each literal of the probe has a value no other has, so every such place names its
 *   literal). Each literal must keep its own type and stand where the analyzer looked at its type
 *   only: a side of a comparison with a scalar (queries/analyze compares scalars by their types
 *   alone; it turns string literals compared with ROWTIME / WINDOWSTART / WINDOWEND into
 *   timestamps, which changes their type), or an item of an IN list whose operand has the
 *   literal's type (the key lookups the planner derives from those reuse the same nodes). Anything
 *   else (a literal folded, cast, turned into a timestamp, or changing the plan's shape), or a
 *   probe that fails, marks the shape as not cacheable: it is prepared on every request, as
 *   before.
 * - A later statement of the shape binds its literals into copies of the nodes on the paths to
 *   those places (the rest is shared) and goes straight to the pull execution.
 *
 * Only successful preparations are cached: errors always come from the uncached path. The key
 * also holds the session and request properties; the owner clears the cache when the catalog
 * changes (any DDL, a query started or stopped) or a server property changes.
 */
import { sqlTypesEqual, type SqlType } from '../../engine/types/index.js';
import { tokenize, type Token } from '../parse/index.js';

/** A literal of the statement the shape parameterizes. */
export interface ShapeLiteral {
  readonly kind: 'string' | 'int' | 'long';
  /** The value as the analyzer puts it in a literal node (string, or number for INT and BIGINT). */
  readonly value: string | number;
  readonly start: number;
  readonly end: number;
}

export interface StatementShape {
  readonly key: string;
  readonly literals: readonly ShapeLiteral[];
}

const INT_MIN = -2_147_483_648n;
const INT_MAX = 2_147_483_647n;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** The literal classes, in the key. */
const PLACEHOLDER = { string: '\u0001S', int: '\u0001I', long: '\u0001L' } as const;

/**
 * The shape of a pull query (a statement starting with SELECT, without EMIT), or null: not a pull
 * query, or not one this cache handles (variables left, unrecognized characters).
 */
export function statementShape(text: string): StatementShape | null {
  let tokens: Token[];
  try {
    tokens = tokenize(text);
  } catch {
    return null;
  }
  if (tokens.length === 0 || tokens[0]!.kind !== 'SELECT') return null;
  const literals: ShapeLiteral[] = [];
  let key = '';
  let previous: Token | null = null;
  for (const token of tokens) {
    switch (token.kind) {
      case 'EMIT':
      case 'VARIABLE':
      case 'UNRECOGNIZED':
        return null;
      case 'STRING_LITERAL': {
        if (token.text.includes('${')) return null;
        const value = token.text.slice(1, -1).replaceAll("''", "'");
        literals.push({ kind: 'string', value, start: token.start, end: token.end });
        key += PLACEHOLDER.string;
        break;
      }
      case 'INTEGER_VALUE': {
        const kind = previous?.kind === 'MINUS' || previous?.kind === 'LIMIT' ? null : integerClass(token.text);
        if (kind === null) {
          key += `${token.text.length}:${token.text}`;
        } else {
          literals.push({ kind, value: Number(BigInt(token.text)), start: token.start, end: token.end });
          key += PLACEHOLDER[kind];
        }
        break;
      }
      default:
        // Length-prefixed: the key gives back the token sequence, which is all the parser reads.
        key += `${token.text.length}:${token.text}`;
    }
    previous = token;
  }
  return { key, literals };
}

function integerClass(text: string): 'int' | 'long' | null {
  let value: bigint;
  try {
    value = BigInt(text);
  } catch {
    return null;
  }
  if (value >= INT_MIN && value <= INT_MAX) return 'int';
  if (value >= LONG_MIN && value <= LONG_MAX && Number.isSafeInteger(Number(value))) return 'long';
  return null;
}

/** Probe values: of the literal's class, different from every literal of the statement and from each other. */
export function probeValues(literals: readonly ShapeLiteral[]): Array<string | number> {
  const taken = new Set<string | number>(literals.map((l) => l.value));
  const out: Array<string | number> = [];
  for (let i = 0; i < literals.length; i++) {
    const literal = literals[i]!;
    let candidate: string | number;
    for (let attempt = 0; ; attempt++) {
      const n = i + attempt * literals.length;
      candidate = literal.kind === 'string' ? `\u0001sluice-probe-${n}\u0001` : literal.kind === 'int' ? 1_000_000_007 + n : 9_000_000_000_007 + n;
      if (!taken.has(candidate)) break;
    }
    taken.add(candidate);
    out.push(candidate);
  }
  return out;
}

/** `text` with its literals replaced by `values` (same classes). */
export function substituteLiterals(text: string, literals: readonly ShapeLiteral[], values: ReadonlyArray<string | number>): string {
  let out = '';
  let at = 0;
  literals.forEach((literal, i) => {
    const value = values[i]!;
    out += text.slice(at, literal.start) + (typeof value === 'string' ? `'${value.replaceAll("'", "''")}'` : String(value));
    at = literal.end;
  });
  return out + text.slice(at);
}

/** Where a literal's value goes: a path of property names / indexes from the prepared root. */
export interface LiteralSlot {
  readonly path: ReadonlyArray<string | number>;
  readonly literal: number;
}

const NATURAL_TYPE: Record<ShapeLiteral['kind'], SqlType['kind']> = { string: 'STRING', int: 'INTEGER', long: 'BIGINT' };
const VISITS_MAX = 100_000;

interface LiteralNode {
  kind: 'literal';
  type: SqlType;
  value: unknown;
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null || Array.isArray(value);
}

function isLiteralNode(value: unknown): value is LiteralNode {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'literal' && 'type' in value;
}

function scalarTyped(value: unknown): boolean {
  const t = (value as { type?: SqlType } | null)?.type;
  return typeof t === 'object' && t !== null && t.kind !== 'ARRAY' && t.kind !== 'MAP' && t.kind !== 'STRUCT';
}

function hasType(value: unknown, type: SqlType): boolean {
  const t = (value as { type?: SqlType } | null)?.type;
  return typeof t === 'object' && t !== null && sqlTypesEqual(t, type);
}

/**
 * The slots of the literals in `actual` (prepared with `literals`) against `probe` (prepared
 * with `probes`), or null when the two differ anywhere else or a literal stands where its value
 * could matter (see the file comment). `keyPaths` are path prefixes where a literal may also be
 * referenced directly (the key lookups derived from the predicate).
 */
export function literalSlots(
  actual: object,
  probe: object,
  literals: readonly ShapeLiteral[],
  probes: ReadonlyArray<string | number>,
  keyPaths: ReadonlyArray<ReadonlyArray<string>>,
): LiteralSlot[] | null {
  const slots: LiteralSlot[] = [];
  const checked = new Set<object>();
  let visits = 0;
  const path: Array<string | number> = [];
  const underKeyPath = (): boolean => keyPaths.some((prefix) => prefix.length < path.length && prefix.every((p, i) => path[i] === p));
  /** A literal node where the analyzer looked at its type only. */
  const typeOnlyContext = (parent: unknown, key: string | number, grandparent: unknown, grandKey: string | number | undefined, node: LiteralNode): boolean => {
    const p = parent as { kind?: unknown; left?: unknown; right?: unknown; operand?: unknown } | null;
    if (p !== null && typeof p === 'object' && !Array.isArray(p) && p.kind === 'compare' && (key === 'left' || key === 'right')) {
      // A comparison of scalars checks the two types only (it coerces structured values).
      return scalarTyped(key === 'left' ? p.right : p.left);
    }
    const g = grandparent as { kind?: unknown; operand?: unknown; negated?: unknown } | null;
    if (Array.isArray(parent) && g !== null && typeof g === 'object' && g.kind === 'in' && grandKey === 'list') return hasType(g.operand, node.type);
    return false;
  };
  const walk = (a: unknown, b: unknown, parent: unknown, key: string | number | undefined, grandparent: unknown, grandKey: string | number | undefined): boolean => {
    if (++visits > VISITS_MAX) return false;
    if (a === b) return true;
    if (typeof a !== typeof b) return false;
    if (typeof a !== 'object' || a === null || b === null) {
      return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
    }
    const x = a as Record<string | number, unknown>;
    const y = b as Record<string | number, unknown>;
    if (!isPlain(x) || !isPlain(y) || Array.isArray(x) !== Array.isArray(y)) return false;
    if (isLiteralNode(x) && isLiteralNode(y) && x.value !== y.value) {
      const index = probes.indexOf(y.value as string | number);
      if (index < 0) return false;
      const literal = literals[index]!;
      if (x.value !== literal.value || x.type.kind !== NATURAL_TYPE[literal.kind] || !sqlTypesEqual(x.type, y.type)) return false;
      const xKeys = Object.keys(x);
      if (xKeys.length !== 3 || Object.keys(y).length !== 3) return false;
      if (typeOnlyContext(parent, key!, grandparent, grandKey, x)) checked.add(x);
      else if (!underKeyPath()) return false;
      slots.push({ path: [...path], literal: index });
      return true;
    }
    const keys = Object.keys(x);
    if (keys.length !== Object.keys(y).length) return false;
    for (const k of keys) {
      if (!Object.prototype.hasOwnProperty.call(y, k)) return false;
      const step = Array.isArray(x) ? Number(k) : k;
      path.push(step);
      const same = walk(x[k], y[k], x, step, parent, key);
      path.pop();
      if (!same) return false;
    }
    return true;
  };
  if (!walk(actual, probe, undefined, undefined, undefined, undefined)) return null;
  // Every literal in place, each node met at least once where its type alone mattered.
  const found = new Set(slots.map((s) => s.literal));
  if (found.size !== literals.length) return null;
  for (const slot of slots) {
    let node: unknown = actual;
    for (const step of slot.path) node = (node as Record<string | number, unknown>)[step];
    if (!checked.has(node as object)) return null;
  }
  return slots;
}

/**
 * Binds literal values into copies of a prepared root: the objects on the paths to the slots are
 * copied (once each, so nodes shared by two paths stay shared), the rest is the root's. Built
 * once per template; binding is a fixed list of copies and assignments.
 */
export class LiteralBinder<T extends object> {
  /** Objects to copy, parents before children; 0 is the root. */
  private readonly originals: object[] = [];
  /** copies[parent][key] = copies[child]. */
  private readonly links: Array<{ parent: number; key: string | number; child: number }> = [];
  /** copies[parent][key] = a copy of `node` with the value of literal `literal`. */
  private readonly leaves: Array<{ parent: number; key: string | number; node: number; literal: number }> = [];
  private readonly literalNodes: object[] = [];

  constructor(
    readonly root: T,
    readonly slots: readonly LiteralSlot[],
  ) {
    const index = new Map<object, number>([[root, 0]]);
    this.originals.push(root);
    const linked = new Set<string>();
    const nodeIndex = new Map<object, number>();
    for (const slot of slots) {
      let parent = 0;
      let original = root as unknown as Record<string | number, unknown>;
      const last = slot.path.length - 1;
      for (let i = 0; i < last; i++) {
        const key = slot.path[i]!;
        const child = original[key] as Record<string | number, unknown>;
        let childIndex = index.get(child);
        if (childIndex === undefined) {
          childIndex = this.originals.length;
          index.set(child, childIndex);
          this.originals.push(child);
        }
        const link = `${parent}\u0000${String(key)}`;
        if (!linked.has(link)) {
          linked.add(link);
          this.links.push({ parent, key, child: childIndex });
        }
        parent = childIndex;
        original = child;
      }
      const key = slot.path[last]!;
      const node = original[key] as object;
      let n = nodeIndex.get(node);
      if (n === undefined) {
        n = this.literalNodes.length;
        nodeIndex.set(node, n);
        this.literalNodes.push(node);
      }
      const link = `${parent}\u0000${String(key)}`;
      if (!linked.has(link)) {
        linked.add(link);
        this.leaves.push({ parent, key, node: n, literal: slot.literal });
      }
    }
  }

  bind(values: ReadonlyArray<string | number>): T {
    if (this.slots.length === 0) return this.root;
    const copies = this.originals.map((o) => (Array.isArray(o) ? o.slice() : { ...o })) as Array<Record<string | number, unknown>>;
    for (const link of this.links) copies[link.parent]![link.key] = copies[link.child];
    const bound: Array<object | undefined> = new Array(this.literalNodes.length);
    for (const leaf of this.leaves) {
      let node = bound[leaf.node];
      if (node === undefined) {
        node = { ...this.literalNodes[leaf.node]!, value: values[leaf.literal] };
        bound[leaf.node] = node;
      }
      copies[leaf.parent]![leaf.key] = node;
    }
    return copies[0] as T;
  }
}

/** A map that forgets its least recently used entry beyond `max`. */
export class LruMap<K, V> {
  private readonly entries = new Map<K, V>();
  constructor(readonly max: number) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as K);
  }

  clear(): void {
    this.entries.clear();
  }
}
