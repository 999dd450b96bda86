/**
 * The shell's history: one entry per line in a file (default `~/.sluice_history`), oldest first,
 * bounded to the newest HISTORY_ENTRIES_MAX entries. A statement typed over several lines is kept
 * as one entry, its lines joined by spaces, so that Up recalls it whole. Failing to read or write
 * the file never stops the shell.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const HISTORY_ENTRIES_MAX = 1000;

export function defaultHistoryFile(): string {
  return path.join(os.homedir(), '.sluice_history');
}

export class History {
  /** Newest first (the order node:readline wants). */
  readonly entries: string[];

  constructor(
    /** null keeps history in memory only. */
    readonly file: string | null,
    readonly entriesMax = HISTORY_ENTRIES_MAX,
  ) {
    this.entries = file === null ? [] : loadHistory(file, entriesMax);
  }

  /** Adds an entry (lines joined by spaces) unless it repeats the last one; saves the file. */
  add(entry: string): void {
    const line = entry
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '')
      .join(' ');
    if (line === '' || this.entries[0] === line) return;
    this.entries.unshift(line);
    if (this.entries.length > this.entriesMax) this.entries.length = this.entriesMax;
    this.save();
  }

  /** Oldest first, numbered from 1. */
  numbered(): string[] {
    return [...this.entries].reverse().map((line, i) => `${String(i + 1).padStart(4)}: ${line}`);
  }

  private save(): void {
    if (this.file === null) return;
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      writeFileSync(this.file, [...this.entries].reverse().join('\n') + '\n', { mode: 0o600 });
    } catch {
      // a read-only home directory: keep the history in memory
    }
  }
}

/** The newest `entriesMax` entries of a history file, newest first. */
export function loadHistory(file: string, entriesMax = HISTORY_ENTRIES_MAX): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(-entriesMax)
    .reverse();
}
