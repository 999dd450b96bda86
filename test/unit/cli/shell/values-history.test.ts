import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatValue, History, JsonNumber, loadHistory, normalizeServerUrl, parseRowJson } from '../../../../cli/shell/index.js';

describe('parseRowJson', () => {
  it('keeps numbers as the server wrote them', () => {
    const row = parseRowJson('[3.0, 9007199254740993, -1.5e-7, 0]') as JsonNumber[];
    expect(row.map((n) => n.text)).toEqual(['3.0', '9007199254740993', '-1.5e-7', '0']);
  });

  it('parses strings with escapes, objects, nesting and literals', () => {
    expect(formatValue(parseRowJson('{"A":"x\\"y\\n","B":[true,false,null],"C":{"D":{}}}'))).toBe('{A=x"y\n, B=[true, false, null], C={D={}}}');
    expect(formatValue(parseRowJson('"\\u00e9"'))).toBe('é');
  });

  it('refuses malformed JSON and runaway nesting', () => {
    expect(() => parseRowJson('[1,')).toThrow(/Malformed JSON/);
    expect(() => parseRowJson('[1] x')).toThrow(/end of the document/);
    expect(() => parseRowJson('['.repeat(300) + ']'.repeat(300))).toThrow(/nesting/);
  });

  it('a "__proto__" key is an ordinary property', () => {
    const value = parseRowJson('{"__proto__":1}') as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(formatValue(value)).toBe('{__proto__=1}');
  });
});

describe('History', () => {
  it('keeps one line per entry, newest first in memory, oldest first on disk, bounded', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sluice-history-'));
    const file = path.join(dir, 'history');
    writeFileSync(file, 'old one\nold two\n');
    const history = new History(file, 3);
    expect(history.entries).toEqual(['old two', 'old one']);
    history.add('SELECT *\n  FROM S\n  EMIT CHANGES;');
    history.add('SELECT *\n  FROM S\n  EMIT CHANGES;'); // a repeat is not added
    history.add('SHOW STREAMS;');
    expect(history.entries).toEqual(['SHOW STREAMS;', 'SELECT * FROM S EMIT CHANGES;', 'old two']);
    expect(readFileSync(file, 'utf8')).toBe('old two\nSELECT * FROM S EMIT CHANGES;\nSHOW STREAMS;\n');
    expect(history.numbered()).toEqual(['   1: old two', '   2: SELECT * FROM S EMIT CHANGES;', '   3: SHOW STREAMS;']);
    expect(loadHistory(file, 2)).toEqual(['SHOW STREAMS;', 'SELECT * FROM S EMIT CHANGES;']);
  });

  it('survives a missing or unwritable file', () => {
    const history = new History('/nonexistent-dir-for-sluice/\0bad');
    history.add('SHOW TOPICS;');
    expect(history.entries).toEqual(['SHOW TOPICS;']);
  });
});

describe('normalizeServerUrl', () => {
  it('accepts host:port and URLs, and refuses other schemes', () => {
    expect(normalizeServerUrl('localhost:8088')).toBe('http://localhost:8088');
    expect(normalizeServerUrl('https://ksql.example.com/')).toBe('https://ksql.example.com');
    expect(() => normalizeServerUrl('ftp://x')).toThrow(/http/);
  });
});
