import { describe, expect, it } from 'vitest';
import { BYTES, INTEGER, STRING } from '../../../../engine/types/index.js';
import { call, errorOf } from './helpers.js';

const b = (s: string): Buffer => Buffer.from(s, 'base64');
const s = (...args: (string | null)[]) => args.map(() => STRING);

describe('LCASE, UCASE, TRIM, SUBSTRING (string.json)', () => {
  it.each([
    ['lower', 'lower', 'LOWER', 'lower', 'ower'],
    ['UPPER', 'upper', 'UPPER', 'UPPER', 'PPER'],
    ['MiXeD', 'mixed', 'MIXED', 'MiXeD', 'iXeD'],
    [' \t with white space \t', ' \t with white space \t', ' \t WITH WHITE SPACE \t', 'with white space', '\t wit'],
    ['s', 's', 'S', 's', ''],
    ['long enough', 'long enough', 'LONG ENOUGH', 'long enough', 'ong e'],
  ])('%j', (text, lower, upper, trimmed, sub) => {
    expect(call('LCASE', [STRING], [text])).toBe(lower);
    expect(call('UCASE', [STRING], [text])).toBe(upper);
    expect(call('TRIM', [STRING], [text])).toBe(trimmed);
    expect(call('SUBSTRING', [STRING, INTEGER, INTEGER], [text, 2, 5])).toBe(sub);
  });

  it('trims like Java (only characters <= U+0020)', () => {
    expect(call('TRIM', [STRING], ['\u00a0x\u0001 '])).toBe('\u00a0x');
  });

  it('SUBSTRING handles negative and out-of-range positions and lengths', () => {
    expect(call('SUBSTRING', [STRING, INTEGER], ['hello', -3])).toBe('llo');
    expect(call('SUBSTRING', [STRING, INTEGER], ['hello', 0])).toBe('hello');
    expect(call('SUBSTRING', [STRING, INTEGER], ['hello', 10])).toBe('');
    expect(call('SUBSTRING', [STRING, INTEGER, INTEGER], ['hello', -10, 2])).toBe('he');
    expect(call('SUBSTRING', [STRING, INTEGER, INTEGER], ['hello', 2, -1])).toBe('');
    expect(call('SUBSTRING', [STRING, INTEGER, INTEGER], ['hello', 2, 2147483647])).toBe(''); // int overflow, as in Java
    expect(call('SUBSTRING', [STRING, INTEGER], [null, 1])).toBeNull();
    expect(call('SUBSTRING', [BYTES, INTEGER, INTEGER], [Buffer.from('hello'), 2, 3])).toEqual(Buffer.from('ell'));
  });

  it('SUBSTRING follows ksql.functions.substring.legacy.args', () => {
    const legacy = { 'ksql.functions.substring.legacy.args': true };
    expect(call('SUBSTRING', [STRING, INTEGER], ['hello', 1], legacy)).toBe('ello');
    expect(call('SUBSTRING', [STRING, INTEGER, INTEGER], ['hello', 1, 3], legacy)).toBe('el');
    expect(errorOf(() => call('SUBSTRING', [STRING, INTEGER, INTEGER], ['hello', 3, 1], legacy))).toContain('begin 3, end 1');
    expect(call('SUBSTRING', [STRING, INTEGER, INTEGER], ['hello', 1, 3], { 'ksql.functions.substring.legacy.args': false })).toBe('hel');
  });
});

describe('CONCAT and CONCAT_WS (concat.json)', () => {
  it('skips NULLs', () => {
    expect(call('CONCAT', s('', '', ''), ['prefix-', 's1', '-postfix'])).toBe('prefix-s1-postfix');
    expect(call('CONCAT', s('', '', ''), ['a', null, 'b'])).toBe('ab');
    expect(call('CONCAT', [], [])).toBe('');
    expect(call('CONCAT', [BYTES, null, BYTES], [b('eWVz'), null, b('bm8=')])).toEqual(b('eWVzbm8='));
  });

  it('CONCAT_WS joins with the separator and skips NULL values', () => {
    const types = s('', '', '', '', '', '');
    expect(call('CONCAT_WS', types, ['SEP', 'foo', 'bar', 'baz', null, 'literal'])).toBe('fooSEPbarSEPbazSEPliteral');
    expect(call('CONCAT_WS', types, ['SEP', 'foo', null, 'baz', null, 'literal'])).toBe('fooSEPbazSEPliteral');
    expect(call('CONCAT_WS', types, ['SEP', null, null, null, null, 'literal'])).toBe('literal');
    expect(call('CONCAT_WS', types, [null, 'foo', 'bar', 'baz', null, 'literal'])).toBeNull();
    expect(errorOf(() => call('CONCAT_WS', [STRING], ['x']))).toBe('Function Concat_WS expects at least two input arguments.');
  });

  it('CONCAT_WS on bytes', () => {
    const types = [BYTES, BYTES, BYTES, null, BYTES];
    expect(call('CONCAT_WS', types, [b('YQ=='), b('Yg=='), b('eWVz'), null, b('bm8=')])).toEqual(b('YmF5ZXNhbm8='));
    expect(call('CONCAT_WS', types, [b('YQ=='), b('Yg=='), b(''), null, b('bm8=')])).toEqual(b('YmFhbm8='));
    expect(call('CONCAT_WS', types, [b('YQ=='), null, null, null, null])).toEqual(Buffer.alloc(0));
  });
});

describe('ELT and FIELD (elt-field.json)', () => {
  it('ELT returns the nth argument, 1-based', () => {
    expect(call('ELT', [INTEGER, STRING, STRING], [2, 'ignored', 'something'])).toBe('something');
    expect(call('ELT', [INTEGER, STRING, STRING], [3, 'a', 'b'])).toBeNull();
    expect(call('ELT', [INTEGER, STRING, STRING], [0, 'a', 'b'])).toBeNull();
    expect(errorOf(() => call('ELT', [INTEGER, STRING], [null, 'a']))).toContain('null passed for primitive');
  });

  it('FIELD returns the 1-based position or 0', () => {
    expect(call('FIELD', s('', '', ''), ['hello', 'hello', 'world'])).toBe(1);
    expect(call('FIELD', s('', '', ''), ['hello', 'world', 'hello'])).toBe(2);
    expect(call('FIELD', s('', '', ''), ['hello', null, null])).toBe(0);
    expect(call('FIELD', s('', '', ''), [null, null, 'x'])).toBe(0);
  });
});

describe('INITCAP, LEN, MD5, REPLACE', () => {
  it('INITCAP (initcap.json)', () => {
    expect(call('INITCAP', [STRING], ['some_string'])).toBe('Some_string');
    expect(call('INITCAP', [STRING], ['the   Quick br0wn fOx'])).toBe('The   Quick Br0wn Fox');
    expect(call('INITCAP', [STRING], ['  leading space'])).toBe('Leading Space');
    expect(call('INITCAP', [STRING], [null])).toBeNull();
  });

  it('LEN counts UTF-16 units and bytes (len.json)', () => {
    expect(call('LEN', [STRING], ['ABC'])).toBe(3);
    expect(call('LEN', [BYTES], [b('YWJj')])).toBe(3);
    expect(call('LEN', [STRING], [''])).toBe(0);
    expect(call('LEN', [STRING], ['😀'])).toBe(2);
    expect(call('LEN', [STRING], [null])).toBeNull();
  });

  it('MD5 (md5.json)', () => {
    expect(call('MD5', [STRING], ['r1'])).toBe('7c92cf1eee8d99cc85f8355a3d6e4b86');
    expect(call('MD5', [STRING], [''])).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(call('MD5', [STRING], ['  '])).toBe('23b58def11b45727d3351702515f86af');
    expect(call('MD5', [STRING], [null])).toBeNull();
  });

  it('REPLACE is literal (replace.json)', () => {
    expect(call('REPLACE', s('', '', ''), ['anaconda', 'a', 'o'])).toBe('onocondo');
    expect(call('REPLACE', s('', '', ''), ['anaconda', null, 'o'])).toBeNull();
    expect(call('REPLACE', s('', '', ''), ['a.b', '.', '$1'])).toBe('a$1b');
    expect(call('REPLACE', s('', '', ''), ['abc', '', '-'])).toBe('-a-b-c-');
  });
});

describe('INSTR', () => {
  it('finds occurrences from a position, backwards for negative positions', () => {
    const t4 = [STRING, STRING, INTEGER, INTEGER];
    expect(call('INSTR', [STRING, STRING], ['CORPORATE FLOOR', 'OR'])).toBe(2);
    expect(call('INSTR', [STRING, STRING, INTEGER], ['CORPORATE FLOOR', 'OR', 3])).toBe(5);
    expect(call('INSTR', t4, ['CORPORATE FLOOR', 'OR', 3, 2])).toBe(14);
    expect(call('INSTR', t4, ['CORPORATE FLOOR', 'OR', -3, 2])).toBe(2);
    expect(call('INSTR', t4, ['CORPORATE FLOOR', 'MISSING', 1, 1])).toBe(0);
    expect(call('INSTR', [STRING, STRING, INTEGER], ['abc', 'b', 10])).toBe(0);
    expect(call('INSTR', [STRING, STRING], [null, 'b'])).toBe(0);
  });
});

describe('LPAD / RPAD', () => {
  it('pads and truncates strings', () => {
    const t = [STRING, INTEGER, STRING];
    expect(call('LPAD', t, ['foo', 7, 'Bar'])).toBe('BarBfoo');
    expect(call('RPAD', t, ['foo', 7, 'Bar'])).toBe('fooBarB');
    expect(call('LPAD', t, ['foo', 2, 'Bar'])).toBe('fo');
    expect(call('RPAD', t, ['foo', 2, 'Bar'])).toBe('fo');
    expect(call('LPAD', t, ['foo', -1, 'Bar'])).toBeNull();
    expect(call('LPAD', t, ['foo', 5, ''])).toBeNull();
    expect(call('LPAD', t, [null, 5, 'x'])).toBeNull();
  });

  it('pads bytes (bytes-lpad-rpad.json)', () => {
    const t = [BYTES, INTEGER, BYTES];
    expect(call('LPAD', t, [b('eWVz'), 8, b('bm8=')])).toEqual(b('bm9ub255ZXM='));
    expect(call('LPAD', t, [b('eWVz'), 5, b('bm8=')])).toEqual(b('bm95ZXM='));
    expect(call('LPAD', t, [b('eWVz'), 2, b('bm8=')])).toEqual(b('eWU='));
    expect(call('LPAD', t, [b('eWVz'), 0, b('bm8=')])).toEqual(Buffer.alloc(0));
    expect(call('LPAD', t, [b('eWVz'), -1, b('bm8=')])).toBeNull();
    expect(call('LPAD', t, [b('eWVz'), 3, b('')])).toBeNull();
    expect(call('RPAD', t, [b('eWVz'), 8, b('bm8=')])).toEqual(b('eWVzbm9ub24='));
    expect(call('RPAD', t, [b('eWVz'), 5, b('bm8=')])).toEqual(b('eWVzbm8='));
    expect(call('RPAD', t, [b('eWVz'), 2, b('bm8=')])).toEqual(b('eWU='));
  });
});

describe('MASK family', () => {
  it('masks with the default rules', () => {
    expect(call('MASK', [STRING], ['AbCd #$123xy Z'])).toBe('XxXx---nnnxx-X');
    expect(call('MASK_KEEP_LEFT', [STRING, INTEGER], ['AbCd #$123xy Z', 5])).toBe('AbCd --nnnxx-X');
    expect(call('MASK_KEEP_RIGHT', [STRING, INTEGER], ['AbCd #$123xy Z', 5])).toBe('XxXx---nn3xy Z');
    expect(call('MASK_LEFT', [STRING, INTEGER], ['AbCd #$123xy Z', 5])).toBe('XxXx-#$123xy Z');
    expect(call('MASK_RIGHT', [STRING, INTEGER], ['AbCd #$123xy Z', 5])).toBe('AbCd #$12nxx-X');
    expect(call('MASK_LEFT', [STRING, INTEGER], ['ab', 10])).toBe('xx');
  });

  it('uses given mask characters, NULL keeping the character', () => {
    expect(call('MASK', s('', '', '', '', ''), ['AbCd #$123xy Z', 'U', 'l', null, '*'])).toBe('UlUl***123ll*U');
    expect(call('MASK_LEFT', [STRING, INTEGER, STRING, STRING, STRING, STRING], ['AbCd', 2, null, null, null, null])).toBe('AbCd');
    expect(errorOf(() => call('MASK', s('', '', '', '', ''), ['x', 'too long', null, null, null]))).toBe(
      "Invalid mask character. Must be only single character, but was 'too long'",
    );
    expect(errorOf(() => call('MASK_LEFT', [STRING, INTEGER], ['x', -1]))).toBe('function mask_left requires a non-negative number of characters to mask or skip');
    expect(call('MASK', [STRING], [null])).toBeNull();
  });
});

describe('SPLIT and SPLIT_TO_MAP', () => {
  it('SPLIT on a literal delimiter keeps empty strings', () => {
    expect(call('SPLIT', s('', ''), ['a,b,,c,', ','])).toEqual(['a', 'b', '', 'c', '']);
    expect(call('SPLIT', s('', ''), ['a.b|c', '.'])).toEqual(['a', 'b|c']);
    expect(call('SPLIT', s('', ''), ['abc', ''])).toEqual(['a', 'b', 'c']);
    expect(call('SPLIT', s('', ''), ['', ''])).toEqual(['']);
    expect(call('SPLIT', s('', ''), ['', ','])).toEqual(['']);
    expect(call('SPLIT', s('', ''), ['abc', null])).toBeNull();
  });

  it('SPLIT on bytes', () => {
    expect(call('SPLIT', [BYTES, BYTES], [Buffer.from('a,b,'), Buffer.from(',')])).toEqual([Buffer.from('a'), Buffer.from('b'), Buffer.alloc(0)]);
    expect(call('SPLIT', [BYTES, BYTES], [Buffer.from('ab'), Buffer.alloc(0)])).toEqual([Buffer.from('a'), Buffer.from('b')]);
    expect(call('SPLIT', [BYTES, BYTES], [Buffer.alloc(0), Buffer.from(',')])).toEqual([Buffer.alloc(0)]);
  });

  it('SPLIT_TO_MAP (split-to-map.json)', () => {
    const t = s('', '', '');
    const input = 'apple:green/banana:yellow/cherry:red';
    expect(call('SPLIT_TO_MAP', t, [input, '/', ':'])).toEqual(new Map([['apple', 'green'], ['banana', 'yellow'], ['cherry', 'red']]));
    expect(call('SPLIT_TO_MAP', t, [input, '&&', ':'])).toEqual(new Map([['apple', 'green/banana']]));
    expect(call('SPLIT_TO_MAP', t, ['apple:green//banana:yellow//cherry:red/', '/', ':'])).toEqual(
      new Map([['apple', 'green'], ['banana', 'yellow'], ['cherry', 'red']]),
    );
    expect(call('SPLIT_TO_MAP', t, [input, '/', '='])).toEqual(new Map());
    expect(call('SPLIT_TO_MAP', t, [input, '', ':'])).toBeNull();
    expect(call('SPLIT_TO_MAP', t, [input, '/', null])).toBeNull();
    expect(call('SPLIT_TO_MAP', t, ['', '/', ':'])).toEqual(new Map());
    expect(call('SPLIT_TO_MAP', t, ['a:1/a:2', '/', ':'])).toEqual(new Map([['a', '2']]));
  });
});

describe('encodings', () => {
  it('FROM_BYTES and TO_BYTES (bytes-and-strings.json)', () => {
    expect(call('FROM_BYTES', s('', ''), [b('IQ=='), 'hex'])).toBe('21');
    expect(call('TO_BYTES', s('', ''), ['1aB2', 'hex'])).toEqual(b('GrI='));
    expect(call('FROM_BYTES', s('', ''), [b('GrI='), 'HEX'])).toBe('1AB2');
    expect(call('FROM_BYTES', s('', ''), [b('IQ=='), 'ascii'])).toBe('!');
    expect(call('FROM_BYTES', s('', ''), [Buffer.from([0x80]), 'ascii'])).toBe('\ufffd');
    expect(call('FROM_BYTES', s('', ''), [b('IQ=='), 'utf8'])).toBe('!');
    expect(call('FROM_BYTES', s('', ''), [b('IQ=='), 'base64'])).toBe('IQ==');
    expect(call('TO_BYTES', s('', ''), ['IQ==', 'base64'])).toEqual(b('IQ=='));
    expect(call('TO_BYTES', s('', ''), ['é', 'ascii'])).toEqual(Buffer.from('?'));
    expect(errorOf(() => call('TO_BYTES', s('', ''), ['abc', 'hex']))).toContain('hexBinary needs to be even-length');
    expect(errorOf(() => call('TO_BYTES', s('', ''), ['abc', 'ebcdic']))).toBe(
      "Unknown encoding type 'ebcdic'. Supported formats are 'hex', 'utf8', 'ascii', and 'base64'.",
    );
    expect(call('TO_BYTES', s('', ''), [null, 'hex'])).toBeNull();
  });

  it('ENCODE between hex, utf8, ascii and base64', () => {
    const t = s('', '', '');
    expect(call('ENCODE', t, ['4578616d706C6521', 'hex', 'ascii'])).toBe('Example!');
    expect(call('ENCODE', t, ['0x4578616d706C6521', 'hex', 'utf8'])).toBe('Example!');
    expect(call('ENCODE', t, ["X'4578616d706C6521'", 'hex', 'base64'])).toBe('RXhhbXBsZSE=');
    expect(call('ENCODE', t, ['Example!', 'ascii', 'hex'])).toBe('4578616d706c6521');
    expect(call('ENCODE', t, ['RXhhbXBsZSE=', 'base64', 'utf8'])).toBe('Example!');
    expect(call('ENCODE', t, ['ü', 'utf8', 'ascii'])).toBe('\ufffd\ufffd');
    expect(errorOf(() => call('ENCODE', t, ['x', 'hex', 'ebcdic']))).toBe('Supported input and output encodings are: hex, utf8, ascii and base64');
    expect(errorOf(() => call('ENCODE', t, ['abc', 'hex', 'ascii']))).toBe('Odd number of characters.');
    expect(call('ENCODE', t, [null, 'hex', 'ascii'])).toBeNull();
  });
});

describe('CHR and UUID', () => {
  it('CHR from a code point or a \\u escape', () => {
    expect(call('CHR', [INTEGER], [75])).toBe('K');
    expect(call('CHR', [INTEGER], [128512])).toBe('😀');
    expect(call('CHR', [INTEGER], [-1])).toBeNull();
    expect(call('CHR', [STRING], ['\\u004b'])).toBe('K');
    expect(call('CHR', [STRING], ['\\u004bxyz'])).toBe('Kxyz');
    expect(call('CHR', [STRING], ['004b'])).toBeNull();
    expect(call('CHR', [STRING], [null])).toBeNull();
  });

  it('UUID', () => {
    expect(call('UUID', [], [])).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(call('UUID', [BYTES], [Buffer.from('00112233445566778899aabbccddeeff', 'hex')])).toBe('00112233-4455-6677-8899-aabbccddeeff');
    expect(call('UUID', [BYTES], [Buffer.from('0011', 'hex')])).toBeNull();
  });
});
