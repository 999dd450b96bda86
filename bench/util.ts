/**
 * Helpers every benchmark shares: argument parsing, a readable table, and the one final JSON line
 * `{"bench": NAME, "figures": {...}, "ratios": {...}}` that tools read.
 */

export type Cell = string | number;

/** `--name value` options; flags without a value read as "true". Unknown names are refused. */
export function parseOptions(args: readonly string[], known: Record<string, string>): Record<string, string> {
  const options: Record<string, string> = { ...known };
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    if (!arg.startsWith('--')) throw new Error(`option: expected --name, found ${JSON.stringify(arg)}`);
    const name = arg.slice(2);
    if (!(name in known)) throw new Error(`option: expected one of ${Object.keys(known).map((key) => `--${key}`).join(', ')}, found --${name}`);
    const value = args[index + 1];
    if (value === undefined || value.startsWith('--')) options[name] = 'true';
    else {
      options[name] = value;
      index++;
    }
  }
  return options;
}

/** A positive number option, or an error naming it. */
export function numberOption(options: Record<string, string>, name: string): number {
  const value = Number(options[name]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name}: expected a positive number, found ${JSON.stringify(options[name])}`);
  return value;
}

/** 1234567.8 -> "1,234,568"; small numbers keep up to `fractionDigits` decimals. */
export function formatNumber(value: number, fractionDigits = 2): string {
  if (!Number.isFinite(value)) return String(value);
  const digits = Math.abs(value) >= 100 ? 0 : fractionDigits;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** Prints rows as an aligned table; numbers are right-aligned and formatted. */
export function printTable(title: string, headers: readonly string[], rows: readonly (readonly Cell[])[]): void {
  const text = rows.map((row) => row.map((cell) => (typeof cell === 'number' ? formatNumber(cell) : cell)));
  const widths = headers.map((header, column) => Math.max(header.length, ...text.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[], numeric: readonly boolean[]): string =>
    cells.map((cell, column) => (numeric[column] ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ');
  console.log(`\n${title}`);
  console.log(line(headers, headers.map(() => false)));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  rows.forEach((row, index) => console.log(line(text[index]!, row.map((cell) => typeof cell === 'number'))));
}

/** Rounds for the JSON line: 3 significant decimals for ratios, integers for large figures. */
function round(value: number): number {
  if (!Number.isFinite(value)) return value;
  if (Math.abs(value) >= 1000) return Math.round(value);
  return Math.round(value * 1000) / 1000;
}

/** The last line a benchmark prints: one JSON object. */
export function printResultLine(bench: string, figures: Record<string, number>, ratios: Record<string, number>): void {
  const roundAll = (values: Record<string, number>): Record<string, number> => Object.fromEntries(Object.entries(values).map(([key, value]) => [key, round(value)]));
  console.log(JSON.stringify({ bench, figures: roundAll(figures), ratios: roundAll(ratios) }));
}
