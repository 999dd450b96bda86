/**
 * Comparing what a query wrote with the expected records, as ksqlDB's test executor does:
 * counts equal; the expected list must be an interleaving of the per-partition sequences (order
 * is only defined within a partition); key, value, timestamp, window and headers per record.
 */
import { NumberText, stringifyTree, type JsonTree } from './lenient-json.js';
import { showActual, valueMatches, type ActualValue } from './java-values.js';
import type { TestRecord } from './corpus.js';

export interface ActualRecord {
  partition: number;
  offset: number;
  key: ActualValue;
  value: ActualValue;
  timestampMs: number;
  window: { type: 'TIME' | 'SESSION'; start: bigint; end: bigint | null } | null;
  headers: Array<{ key: string; value: Buffer | null }>;
}

function windowKind(type: string): 'TIME' | 'SESSION' {
  return type.toUpperCase() === 'SESSION' ? 'SESSION' : 'TIME';
}

/** Why an actual record does not match an expected one, or null when it does. */
export function recordMismatch(expected: TestRecord, actual: ActualRecord, ranWithInsertValues: boolean): string | null {
  if (expected.window) {
    if (!actual.window) return 'expected a windowed key';
    if (windowKind(expected.window.type) !== actual.window.type) return 'window type differs';
    if (BigInt(expected.window.start) !== actual.window.start) return 'window start differs';
    if (actual.window.end !== null && BigInt(expected.window.end) !== actual.window.end) return 'window end differs';
  } else if (actual.window) {
    return 'key is windowed but no window was expected';
  }
  if (!valueMatches(actual.key, expected.key ?? null)) return 'key differs';
  if (!valueMatches(actual.value, expected.value)) return 'value differs';
  const expectedHeaders = expected.headers ?? [];
  if (
    expectedHeaders.length !== actual.headers.length ||
    expectedHeaders.some((header, i) => {
      const other = actual.headers[i]!;
      if (header.key !== other.key) return true;
      if (header.value === null || other.value === null) return header.value !== other.value;
      return !Buffer.from(header.value, 'base64').equals(other.value);
    })
  ) {
    return 'headers differ';
  }
  if (expected.timestamp !== null) {
    const expectedMs = BigInt(expected.timestamp.text);
    if (expectedMs !== BigInt(actual.timestampMs) && !(ranWithInsertValues && expectedMs === 0n)) return 'timestamp differs';
  }
  return null;
}

export function describeExpected(record: TestRecord): string {
  const show = (tree: JsonTree | undefined): string => (tree === undefined ? 'null' : stringifyTree(tree));
  const window = record.window ? ` window=${record.window.type}[${record.window.start},${record.window.end}]` : '';
  const timestamp = record.timestamp instanceof NumberText ? record.timestamp.text : 'any';
  return `<${show(record.key)}, ${show(record.value)}> ts=${timestamp}${window}`;
}

export function describeActual(record: ActualRecord): string {
  const window = record.window ? ` window=${record.window.type}[${record.window.start},${record.window.end ?? '?'}]` : '';
  const headers = record.headers.length
    ? ` headers=${JSON.stringify(record.headers.map((h) => ({ KEY: h.key, VALUE: h.value?.toString('base64') ?? null })))}`
    : '';
  return `<${showActual(record.key)}, ${showActual(record.value)}> ts=${record.timestampMs} p=${record.partition}${window}${headers}`;
}

/**
 * Matches expected records (file order) against actual ones ordered only within a partition.
 * Returns null on success, or a message naming the first record that cannot be matched.
 */
export function matchInterleaved(
  topic: string,
  expected: TestRecord[],
  actual: ActualRecord[],
  ranWithInsertValues: boolean,
): string | null {
  if (expected.length !== actual.length) {
    return (
      `Topic ${topic}: expected ${expected.length} records but got ${actual.length}\n` +
      `  expected:\n${expected.map((e) => `    ${describeExpected(e)}`).join('\n')}\n` +
      `  actual:\n${actual.map((a) => `    ${describeActual(a)}`).join('\n')}`
    );
  }
  const partitions = [...new Set(actual.map((a) => a.partition))].sort((a, b) => a - b);
  const sequences = partitions.map((p) => actual.filter((a) => a.partition === p).sort((a, b) => a.offset - b.offset));
  const positions = sequences.map(() => 0);
  const deadEnds = new Set<string>();
  let stepsLeft = 200_000;
  let furthest = { index: -1, heads: [] as ActualRecord[] };
  const search = (index: number): boolean => {
    if (index === expected.length) return true;
    const state = positions.join(',');
    if (deadEnds.has(state) || stepsLeft-- <= 0) return false;
    let anyMatched = false;
    for (let s = 0; s < sequences.length; s++) {
      const candidate = sequences[s]![positions[s]!];
      if (!candidate || recordMismatch(expected[index]!, candidate, ranWithInsertValues)) continue;
      anyMatched = true;
      positions[s]!++;
      if (search(index + 1)) return true;
      positions[s]!--;
    }
    if (!anyMatched && index > furthest.index) {
      furthest = { index, heads: sequences.map((seq, s) => seq[positions[s]!]).filter((r): r is ActualRecord => r !== undefined) };
    }
    deadEnds.add(state);
    return false;
  };
  if (search(0)) return null;
  const failing = expected[furthest.index]!;
  const reasons = furthest.heads
    .map((head) => `    ${describeActual(head)}  (${recordMismatch(failing, head, ranWithInsertValues)})`)
    .join('\n');
  return `Topic ${topic}, expected record ${furthest.index}: ${describeExpected(failing)}\n  matches no partition's next record:\n${reasons}`;
}
