/**
 * Regular-expression functions (Java patterns, see java/regex.ts): REGEXP_EXTRACT,
 * REGEXP_EXTRACT_ALL, REGEXP_REPLACE, REGEXP_SPLIT_TO_ARRAY.
 */
import type { ScalarFunction } from '../types.js';
import { CONFLUENT, INTEGER, STRING, arrayOf, functionError, overload, scalar } from './define.js';
import { type JavaPattern, compileOrThrow, findAll, findFirst, guavaSplit, javaSplit, matchesWhole, replaceAll } from '../java/regex.js';

const CATEGORY = 'REGULAR EXPRESSION';

function pattern(regexp: string): JavaPattern {
  return compileOrThrow(regexp, `Invalid regular expression pattern: ${regexp}`);
}

function checkGroup(group: number): void {
  if (group < 0) throw functionError(`No group ${group}`);
}

const matchesEmpty = new WeakMap<JavaPattern, boolean>();

function extract(regexp: string | null, input: string | null, group: number | null): string | null {
  if (regexp === null || input === null || group === null) return null;
  const p = pattern(regexp);
  if (group > p.groupCount) return null;
  checkGroup(group);
  const m = findFirst(p, input);
  return m === null ? null : (m[group] ?? null);
}

function extractAll(regexp: string | null, input: string | null, group: number | null): (string | null)[] | null {
  if (regexp === null || input === null || group === null) return null;
  const p = pattern(regexp);
  if (group > p.groupCount) return null;
  checkGroup(group);
  const out: (string | null)[] = [];
  for (const m of findAll(p, input)) out.push(m[group] ?? null);
  return out;
}

export const regexFunctions: readonly ScalarFunction[] = [
  scalar({ name: 'REGEXP_EXTRACT', declaredName: 'regexp_extract', category: CATEGORY, author: CONFLUENT, description: 'extract the first subtring matched by a regex pattern' }, [
    overload([STRING, STRING], STRING, (regexp: string | null, input: string | null) => extract(regexp, input, 0), {
      names: ['pattern', 'input'],
      docs: ['The regex pattern', 'The input string to apply regex on'],
      description: 'Returns first substring of the input that matches the given regex pattern',
    }),
    overload([STRING, STRING, INTEGER], STRING, extract, {
      names: ['pattern', 'input', 'group'],
      docs: ['The regex pattern', 'The input string to apply regex on', 'The capturing group number'],
      description: 'Returns the first substring of the input that matches the regex pattern and the capturing group number specified',
    }),
  ]),
  scalar({ name: 'REGEXP_EXTRACT_ALL', declaredName: 'regexp_extract_all', category: CATEGORY, author: CONFLUENT, description: 'Extracts the all subtrings matched by a regex pattern' }, [
    overload([STRING, STRING], arrayOf(STRING), (regexp: string | null, input: string | null) => extractAll(regexp, input, 0), {
      names: ['pattern', 'input'],
      docs: ['The regex pattern', 'The input string to apply regex on'],
      description: 'Returns all substrings of the input that matches the given regex pattern',
    }),
    overload([STRING, STRING, INTEGER], arrayOf(STRING), extractAll, {
      names: ['pattern', 'input', 'group'],
      docs: ['The regex pattern', 'The input string to apply regex on', 'The capturing group number'],
      description: 'Returns all substrings of the input that matches the regex pattern and the capturing group number specified',
    }),
  ]),
  scalar({ name: 'REGEXP_REPLACE', declaredName: 'regexp_replace', category: CATEGORY, author: CONFLUENT, description: 'Replaces all matches of a regexp in a string with a new substring.' }, [
    overload(
      [STRING, STRING, STRING],
      STRING,
      (str: string | null, regexp: string | null, newStr: string | null) => {
        if (str === null || regexp === null || newStr === null) return null;
        return replaceAll(pattern(regexp), str, newStr);
      },
      {
        names: ['str', 'regexp', 'newStr'],
        docs: ['The source string. If null, then function returns null.', 'The regexp to match. If null, then function returns null.', 'The string to replace the matches with. If null, then function returns null.'],
        description: 'Returns a new string with all matches of regexp in str replaced with newStr',
      },
    ),
  ]),
  scalar(
    {
      name: 'REGEXP_SPLIT_TO_ARRAY',
      declaredName: 'regexp_split_to_array',
      category: CATEGORY,
      author: CONFLUENT,
      description:
        'Splits a string into an array of substrings based on a regexp. If the regexp is found at the beginning of the string, end of the string, or there are contiguous matches in the string, then empty strings are added to the array. If the regexp is not found, then the original string is returned as the only element in the array. If the regexp is empty, then all characters in the string are split.',
    },
    [
      overload(
        [STRING, STRING],
        arrayOf(STRING),
        (string: string | null, regexp: string | null) => {
          if (string === null || regexp === null) return null;
          const p = pattern(regexp);
          let empty = matchesEmpty.get(p);
          if (empty === undefined) {
            empty = matchesWhole(p, '');
            matchesEmpty.set(p, empty);
          }
          return regexp.length === 0 || empty ? javaSplit(p, string) : guavaSplit(p, string);
        },
        {
          names: ['string', 'regexp'],
          docs: ['The string to be split. If NULL, then function returns NULL.', 'The regular expression to split the string by. If NULL, then function returns NULL.'],
          description: 'Splits a string into an array of substrings based on a regexp.',
        },
      ),
    ],
  ),
];
