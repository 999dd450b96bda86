import { describe, expect, it } from 'vitest';
import { INTEGER, STRING } from '../../../../engine/types/index.js';
import { compileJavaPattern } from '../../../../engine/functions/index.js';
import { call, errorOf } from './helpers.js';

const S2 = [STRING, STRING];
const S3 = [STRING, STRING, STRING];
const SSI = [STRING, STRING, INTEGER];

describe('REGEXP_EXTRACT / REGEXP_EXTRACT_ALL (regex.json)', () => {
  it('extracts the first match, or a group', () => {
    expect(call('REGEXP_EXTRACT', S2, ['test.', 'some_test_string'])).toBe('test_');
    expect(call('REGEXP_EXTRACT', S2, ['test.', 'anothertest'])).toBeNull();
    expect(call('REGEXP_EXTRACT', SSI, ['(.*) (.*)', 'steven zhang', 2])).toBe('zhang');
    expect(call('REGEXP_EXTRACT', SSI, ['(.*) (.*)', 'agavra', 2])).toBeNull();
    expect(call('REGEXP_EXTRACT', SSI, ['(.*) (.*)', 'a b', 3])).toBeNull();
    expect(call('REGEXP_EXTRACT', SSI, ['(a)|(b)', 'b', 1])).toBeNull();
    expect(call('REGEXP_EXTRACT', S2, ['.*', null])).toBeNull();
    expect(errorOf(() => call('REGEXP_EXTRACT', SSI, ['(a)', 'a', -1]))).toBe('No group -1');
  });

  it('extracts every match', () => {
    expect(call('REGEXP_EXTRACT_ALL', S2, ['test.', 'some_test_string_testabab'])).toEqual(['test_', 'testa']);
    expect(call('REGEXP_EXTRACT_ALL', S2, ['test.', 'nothing'])).toEqual([]);
    expect(call('REGEXP_EXTRACT_ALL', SSI, ['(\\w+) (\\w*)', 'steven zhang andy coates', 2])).toEqual(['zhang', 'coates']);
    expect(call('REGEXP_EXTRACT_ALL', SSI, ['(\\w+) (\\w*)', 'apurva mehta agavra ', 2])).toEqual(['mehta', '']);
    expect(call('REGEXP_EXTRACT_ALL', S2, ['a*', 'baa'])).toEqual(['', 'aa', '']);
  });

  it('rejects invalid patterns', () => {
    expect(errorOf(() => call('REGEXP_EXTRACT_ALL', S2, ['(', 'x']))).toBe('Invalid regular expression pattern: (');
  });
});

describe('REGEXP_REPLACE (replace.json)', () => {
  it('replaces every match with Java replacement syntax', () => {
    expect(call('REGEXP_REPLACE', S3, ['baababaa', '(ab)+', 'cat'])).toBe('bacataa');
    expect(call('REGEXP_REPLACE', S3, ['baabbabaa', '(ab)+', 'cat'])).toBe('bacatbcataa');
    expect(call('REGEXP_REPLACE', S3, ['john smith', '(\\w+) (\\w+)', '$2, $1'])).toBe('smith, john');
    expect(call('REGEXP_REPLACE', S3, ['a.b', '\\.', '\\$'])).toBe('a$b');
    expect(call('REGEXP_REPLACE', S3, ['x', '(?<n>x)', '[${n}]'])).toBe('[x]');
    expect(call('REGEXP_REPLACE', S3, ['abc', '', '-'])).toBe('-a-b-c-');
    expect(call('REGEXP_REPLACE', S3, [null, '(ab)+', 'cat'])).toBeNull();
    expect(errorOf(() => call('REGEXP_REPLACE', S3, ['a', 'a', '$2']))).toBe('No group 2');
  });
});

describe('REGEXP_SPLIT_TO_ARRAY', () => {
  it('keeps empty strings like Guava, except for patterns matching the empty string (Java split)', () => {
    expect(call('REGEXP_SPLIT_TO_ARRAY', S2, ['a-b--c-', '-'])).toEqual(['a', 'b', '', 'c', '']);
    expect(call('REGEXP_SPLIT_TO_ARRAY', S2, ['-a.b', '[-.]'])).toEqual(['', 'a', 'b']);
    expect(call('REGEXP_SPLIT_TO_ARRAY', S2, ['abc', ''])).toEqual(['a', 'b', 'c']);
    expect(call('REGEXP_SPLIT_TO_ARRAY', S2, ['a1b22c', '\\d*'])).toEqual(['a', '', 'b', '', 'c']); // Java's Matcher finds the empty match right after '1'
    expect(call('REGEXP_SPLIT_TO_ARRAY', S2, ['no match', 'x'])).toEqual(['no match']);
    expect(call('REGEXP_SPLIT_TO_ARRAY', S2, ['ab', '(?=b)'])).toEqual(['a', 'b']);
    expect(call('REGEXP_SPLIT_TO_ARRAY', S2, [null, 'x'])).toBeNull();
  });
});

describe('Java pattern translation', () => {
  const matches = (pattern: string, input: string): string[] => {
    const p = compileJavaPattern(pattern);
    p.regex.lastIndex = 0;
    return [...input.matchAll(p.regex)].map((m) => m[0]);
  };

  it('\\s is Java whitespace only and . excludes Java line terminators', () => {
    expect(matches('\\s', 'a b\u00a0c\td')).toEqual([' ', '\t']);
    expect(matches('a.c', 'abc a\u0085c a\nc')).toEqual(['abc']);
    expect(matches('(?s)a.c', 'a\nc')).toEqual(['a\nc']);
  });

  it('$ matches before a final line terminator', () => {
    expect(matches('c$', 'abc\n')).toEqual(['c']);
    expect(matches('c\\z', 'abc\n')).toEqual([]);
    expect(matches('(?m)^b', 'a\nb')).toEqual(['b']);
  });

  it('supports POSIX and java.lang.Character classes, \\p{...} properties', () => {
    expect(matches('\\p{Alpha}+', 'ab1é')).toEqual(['ab']);
    expect(matches('\\p{Punct}', 'a!b,')).toEqual(['!', ',']);
    expect(matches('\\p{Lu}', 'aBÉ')).toEqual(['B', 'É']);
    expect(matches('\\p{IsLatin}+', 'abc αβγ')).toEqual(['abc']);
    expect(matches('\\p{javaLowerCase}+', 'abÉé')).toEqual(['ab', 'é']);
    expect(matches('\\pL+', 'ab1')).toEqual(['ab']);
  });

  it('supports nested classes, intersections and escapes in classes', () => {
    expect(matches('[a-z&&[^aeiou]]+', 'hello')).toEqual(['h', 'll']);
    expect(matches('[a-c[x-z]]+', 'abxyzd')).toEqual(['abxyz']);
    expect(matches('[\\w-]+', 'a-b c')).toEqual(['a-b', 'c']);
    expect(matches('[]a]+', ']a]b')).toEqual([']a]']);
    expect(matches('[\\Q.*\\E]+', 'a.*b')).toEqual(['.*']);
  });

  it('supports quoting, flags, octal/hex escapes and possessive quantifiers', () => {
    expect(matches('\\Q.*\\E', 'a.*b')).toEqual(['.*']);
    expect(matches('(?i)abc', 'ABC')).toEqual(['ABC']);
    expect(matches('(?x) a b # comment', 'ab')).toEqual(['ab']);
    expect(matches('\\x41\\u0042\\0103', 'ABC')).toEqual(['ABC']);
    expect(matches('a++b', 'aab')).toEqual(['aab']);
    expect(matches('(?>a)b', 'ab')).toEqual(['ab']);
    expect(matches('\\-\\!\\#', '-!#')).toEqual(['-!#']);
  });

  it('counts capturing groups', () => {
    expect(compileJavaPattern('(a)(?:b)(?<n>c)(?=d)').groupCount).toBe(2);
  });
});
