/**
 * What the three schema types share: a parsed schema (with its references resolved), its
 * canonical text, and the hook a compatibility check calls.
 */
import { SluiceError } from '../common/index.js';
import type { Incompatibility, RegistryLimits, SchemaReference, SchemaType } from './types.js';

/** A reference with the schema it names, itself resolved (references of references...). */
export interface ResolvedReference {
  name: string;
  subject: string;
  version: number;
  schemaType: SchemaType;
  /** Canonical text as stored. */
  schema: string;
  references: ResolvedReference[];
}

/**
 * Which way data flows in a check. `backward`: the new schema reads data written with the old one
 * (the new schema is the reader). `forward`: the old schema reads data written with the new one.
 */
export type Direction = 'backward' | 'forward';

export interface ParsedSchemaBase {
  readonly schemaType: SchemaType;
  /** The text the registry stores and answers: the input normalised per type. */
  readonly canonical: string;
  readonly references: readonly SchemaReference[];
}

export function invalidSchema(schemaType: SchemaType, detail: string, cause?: unknown): SluiceError {
  return new SluiceError(
    'REGISTRY_INVALID_SCHEMA',
    `Invalid schema: ${schemaType} schema is not valid: ${detail}`,
    { schemaType, expected: `a valid ${schemaType} schema`, found: detail },
    cause === undefined ? undefined : { cause },
  );
}

/** Walks references depth-first, dependencies before dependants, each (subject, version) once. */
export function referencesInDependencyOrder(references: readonly ResolvedReference[], limits: RegistryLimits): ResolvedReference[] {
  const ordered: ResolvedReference[] = [];
  const seen = new Set<string>();
  const visit = (reference: ResolvedReference, depth: number): void => {
    if (depth > limits.referenceDepthMax) {
      throw new SluiceError('REGISTRY_INVALID_SCHEMA', `Invalid schema: references nest deeper than ${limits.referenceDepthMax}`, {
        expected: `at most ${limits.referenceDepthMax} levels of references`,
        found: `a chain through ${reference.subject} version ${reference.version}`,
      });
    }
    const key = `${reference.subject}\u0000${reference.version}`;
    if (seen.has(key)) return;
    seen.add(key);
    for (const inner of reference.references) visit(inner, depth + 1);
    ordered.push(reference);
  };
  for (const reference of references) visit(reference, 1);
  return ordered;
}

/** Formats one incompatibility the way Confluent's messages do. */
export function formatIncompatibility(incompatibility: Incompatibility): string {
  const info = incompatibility.additionalInfo === undefined ? '' : `, additionalInfo:'${incompatibility.additionalInfo}'`;
  return `{errorType:'${incompatibility.errorType}', description:'${incompatibility.description}'${info}}`;
}

/** Depth of nested arrays/objects in a JSON value, without recursion (no stack overflow on hostile input). */
export function jsonDepth(value: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth > deepest) deepest = depth;
    for (const child of Array.isArray(current) ? current : Object.values(current)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return deepest;
}
