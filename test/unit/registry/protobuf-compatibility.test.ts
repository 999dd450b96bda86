/**
 * Protobuf compatibility: Confluent's structural diff of the old and new .proto files, where
 * field additions, removals, renames and wire-compatible type changes pass and the rest break.
 */
import { describe, expect, it } from 'vitest';
import { defaultRegistryLimits, parseSchema, type ParsedProtobuf } from '../../../registry/index.js';
import { breaking, errorTypes, expectCode } from './helpers.js';

const proto3 = (body: string, packageName = 'shop') => `syntax = "proto3";\npackage ${packageName};\n${body}`;
const message = (fields: string, name = 'Order') => proto3(`message ${name} {\n${fields}\n}`);

const backward = (older: string, newer: string) => errorTypes(breaking('PROTOBUF', older, newer, 'backward'));
const forward = (older: string, newer: string) => errorTypes(breaking('PROTOBUF', older, newer, 'forward'));

describe('Protobuf: fields', () => {
  const v1 = message('string id = 1;\ndouble amount = 2;');

  it('accepts the same schema', () => {
    expect(backward(v1, v1)).toEqual([]);
    expect(forward(v1, v1)).toEqual([]);
  });

  it('adding and removing fields is compatible both ways', () => {
    const added = message('string id = 1;\ndouble amount = 2;\nstring note = 3;');
    expect(backward(v1, added)).toEqual([]);
    expect(forward(v1, added)).toEqual([]);
    const removed = message('string id = 1;');
    expect(backward(v1, removed)).toEqual([]);
    expect(forward(v1, removed)).toEqual([]);
  });

  it('renumbering a field is a removal plus an addition: compatible, as in Confluent, unless it is required', () => {
    expect(backward(v1, message('string id = 1;\ndouble amount = 3;'))).toEqual([]);
    const proto2 = (fields: string) => `syntax = "proto2";\nmessage Order {\n${fields}\n}`;
    expect(backward(proto2('required string id = 1;'), proto2('required string id = 2;'))).toEqual(['REQUIRED_FIELD_REMOVED', 'REQUIRED_FIELD_ADDED']);
  });

  it('renaming a field (same number) is compatible', () => {
    expect(backward(v1, message('string order_id = 1;\ndouble amount = 2;'))).toEqual([]);
  });

  it('changing a field to another wire-compatible scalar is compatible', () => {
    const pairs: Array<[string, string]> = [
      ['int32', 'int64'],
      ['int32', 'uint32'],
      ['uint64', 'bool'],
      ['sint32', 'sint64'],
      ['fixed32', 'sfixed32'],
      ['fixed64', 'sfixed64'],
      ['string', 'bytes'],
    ];
    for (const [before, after] of pairs) {
      expect(backward(message(`${before} x = 1;`), message(`${after} x = 1;`)), `${before} -> ${after}`).toEqual([]);
    }
  });

  it('changing a scalar across wire groups breaks with FIELD_SCALAR_KIND_CHANGED', () => {
    const pairs: Array<[string, string]> = [
      ['int32', 'string'],
      ['int32', 'sint32'],
      ['float', 'double'],
      ['fixed32', 'fixed64'],
      ['bytes', 'int64'],
    ];
    for (const [before, after] of pairs) {
      const found = breaking('PROTOBUF', message(`${before} x = 1;`), message(`${after} x = 1;`));
      expect(errorTypes(found), `${before} -> ${after}`).toEqual(['FIELD_SCALAR_KIND_CHANGED']);
      expect(found[0]!.path).toBe('#/Order/1');
    }
  });

  it('an enum field counts as a number: int32 <-> enum is compatible, enum <-> string is not', () => {
    const withEnum = proto3('enum Status { NEW = 0; PAID = 1; }\nmessage Order { Status status = 1; }');
    expect(backward(message('int32 status = 1;'), withEnum)).toEqual([]);
    expect(backward(message('string status = 1;'), withEnum)).toEqual(['FIELD_SCALAR_KIND_CHANGED']);
  });

  it('scalar <-> message breaks with FIELD_KIND_CHANGED', () => {
    const withMessage = proto3('message Money { int64 units = 1; }\nmessage Order { Money amount = 2; }');
    expect(backward(message('double amount = 2;'), withMessage)).toEqual(['FIELD_KIND_CHANGED']);
    // (and the Money type itself is gone)
    expect(backward(withMessage, message('double amount = 2;'))).toEqual(['MESSAGE_REMOVED', 'FIELD_KIND_CHANGED']);
  });

  it('a field of another message type breaks with FIELD_NAMED_TYPE_CHANGED', () => {
    const before = proto3('message A { int32 x = 1; }\nmessage B { int32 x = 1; }\nmessage Order { A item = 1; }');
    const after = proto3('message A { int32 x = 1; }\nmessage B { int32 x = 1; }\nmessage Order { B item = 1; }');
    expect(backward(before, after)).toEqual(['FIELD_NAMED_TYPE_CHANGED']);
  });

  it('a breaking change inside a nested message type is reported at its path', () => {
    const before = proto3('message Order {\n  message Line { int32 qty = 1; }\n  repeated Line lines = 1;\n}');
    const after = proto3('message Order {\n  message Line { string qty = 1; }\n  repeated Line lines = 1;\n}');
    const found = breaking('PROTOBUF', before, after);
    expect(found.map((f) => `${f.errorType} ${f.path}`)).toContain('FIELD_SCALAR_KIND_CHANGED #/Order/Line/1');
  });

  it('map value and key types are compared', () => {
    expect(backward(message('map<string, int32> counts = 1;'), message('map<string, int64> counts = 1;'))).toEqual([]);
    expect(backward(message('map<string, int32> counts = 1;'), message('map<string, string> counts = 1;'))).toEqual(['FIELD_SCALAR_KIND_CHANGED']);
    expect(backward(message('map<string, int32> counts = 1;'), message('map<int32, int32> counts = 1;'))).toEqual(['FIELD_SCALAR_KIND_CHANGED']);
    expect(backward(message('map<string, int32> counts = 1;'), message('int32 counts = 1;'))).toEqual(['FIELD_KIND_CHANGED']);
  });
});

describe('Protobuf: labels and required fields (proto2)', () => {
  const proto2 = (fields: string) => `syntax = "proto2";\npackage shop;\nmessage Order {\n${fields}\n}`;

  it('adding or removing a required field breaks', () => {
    const v1 = proto2('required string id = 1;');
    expect(backward(v1, proto2('required string id = 1;\nrequired int32 qty = 2;'))).toEqual(['REQUIRED_FIELD_ADDED']);
    expect(backward(proto2('required string id = 1;\nrequired int32 qty = 2;'), v1)).toEqual(['REQUIRED_FIELD_REMOVED']);
    expect(backward(v1, proto2('required string id = 1;\noptional int32 qty = 2;'))).toEqual([]);
  });

  it('optional <-> repeated breaks for numbers, not for strings', () => {
    expect(backward(proto2('optional int32 qty = 1;'), proto2('repeated int32 qty = 1;'))).toEqual(['FIELD_NUMERIC_LABEL_CHANGED']);
    expect(backward(proto2('optional string tag = 1;'), proto2('repeated string tag = 1;'))).toEqual([]);
  });

  it('proto3 `optional` (a synthetic oneof) is neither a oneof nor a label change', () => {
    expect(backward(message('int32 qty = 1;'), message('optional int32 qty = 1;'))).toEqual([]);
    expect(backward(message('optional int32 qty = 1;'), message('int32 qty = 1;'))).toEqual([]);
  });
});

describe('Protobuf: oneofs', () => {
  it('moving one field into a new oneof is compatible', () => {
    expect(backward(message('string a = 1;\nint32 b = 2;'), message('oneof choice { string a = 1; }\nint32 b = 2;'))).toEqual([]);
  });

  it('moving several fields into a oneof breaks', () => {
    expect(backward(message('string a = 1;\nint32 b = 2;'), message('oneof choice { string a = 1; int32 b = 2; }'))).toEqual(['MULTIPLE_FIELDS_MOVED_TO_ONEOF']);
  });

  it('moving a field into an existing oneof breaks', () => {
    expect(backward(message('oneof choice { string a = 1; }\nint32 b = 2;'), message('oneof choice { string a = 1; int32 b = 2; }'))).toEqual(['FIELD_MOVED_TO_EXISTING_ONEOF']);
  });

  it('adding a field to a oneof is compatible, removing one breaks', () => {
    const one = message('oneof choice { string a = 1; }');
    const two = message('oneof choice { string a = 1; int32 b = 2; }');
    expect(backward(one, two)).toEqual([]);
    const found = breaking('PROTOBUF', two, one);
    expect(errorTypes(found)).toEqual(['ONEOF_FIELD_REMOVED']);
    expect(found[0]!.path).toBe('#/Order/choice/2');
  });

  it('moving a field out of a oneof is compatible', () => {
    expect(backward(message('oneof choice { string a = 1; int32 b = 2; }'), message('oneof choice { string a = 1; }\nint32 b = 2;'))).toEqual([]);
  });

  it('a type change of a field moved into a oneof is still caught', () => {
    expect(backward(message('string a = 1;'), message('oneof choice { int32 a = 1; }'))).toEqual(['FIELD_SCALAR_KIND_CHANGED']);
  });
});

describe('Protobuf: files, messages and enums', () => {
  it('changing the package breaks', () => {
    expect(backward(message('string id = 1;'), proto3('message Order { string id = 1; }', 'store'))).toEqual(['PACKAGE_CHANGED']);
  });

  it('removing a message type breaks BACKWARD; adding one breaks FORWARD (the diff is symmetric in Confluent)', () => {
    const one = proto3('message Order { string id = 1; }');
    const two = proto3('message Order { string id = 1; }\nmessage Refund { string id = 1; }');
    expect(backward(one, two)).toEqual([]);
    expect(backward(two, one)).toEqual(['MESSAGE_REMOVED']);
    expect(forward(one, two)).toEqual(['MESSAGE_REMOVED']);
  });

  it('reordering messages and changing enums is compatible', () => {
    const before = proto3('message A { int32 x = 1; }\nmessage B { int32 y = 1; }\nenum E { X = 0; Y = 1; }');
    const after = proto3('message B { int32 y = 1; }\nmessage A { int32 x = 1; }\nenum E { X = 0; Z = 2; }');
    expect(backward(before, after)).toEqual([]);
  });

  it('handles recursive messages', () => {
    const tree = (extra = '') => proto3(`message Node { int32 value = 1; repeated Node children = 2; ${extra} }`);
    expect(backward(tree(), tree())).toEqual([]);
    expect(backward(tree(), tree('string label = 3;'))).toEqual([]);
    expect(backward(tree('int32 label = 3;'), tree('string label = 3;'))).toEqual(['FIELD_SCALAR_KIND_CHANGED']);
  });

  it('well-known imports resolve without references', () => {
    const withTimestamp = proto3('import "google/protobuf/timestamp.proto";\nimport "confluent/type/decimal.proto";\nmessage Order { google.protobuf.Timestamp at = 1; confluent.type.Decimal total = 2; }');
    expect(backward(withTimestamp, withTimestamp)).toEqual([]);
  });
});

describe('Protobuf: parsing and canonical text', () => {
  const parse = (text: string) => parseSchema('PROTOBUF', text, [], defaultRegistryLimits) as ParsedProtobuf;

  it('drops comments and normalises spacing, so cosmetic edits give the same text', () => {
    const a = parse('syntax = "proto3";\n// the order\npackage shop;\nmessage Order {\n  string id = 1; /* key */\n  map<string,int32> counts = 2 [deprecated=true];\n}\n');
    const b = parse("syntax='proto3'; package shop; message Order { string id=1; map < string , int32 > counts = 2 [ deprecated = true ]; }");
    expect(a.canonical).toBe(b.canonical);
    expect(a.canonical).toBe('syntax = "proto3";\npackage shop;\nmessage Order {\n  string id = 1;\n  map<string, int32> counts = 2 [deprecated = true];\n}\n');
    // the canonical text parses to the same thing
    expect(parse(a.canonical).canonical).toBe(a.canonical);
  });

  it('refuses what protobufjs cannot parse or resolve', async () => {
    await expectCode(() => parse('syntax = "proto3"; message Order { string id = ; }'), 'REGISTRY_INVALID_SCHEMA');
    await expectCode(() => parse('syntax = "proto3"; message Order { Missing m = 1; }'), 'REGISTRY_INVALID_SCHEMA');
    await expectCode(() => parse('syntax = "proto3"; message A { int32 x = 1; int32 y = 1; }'), 'REGISTRY_INVALID_SCHEMA');
    await expectCode(() => parse('syntax = "proto3";'), 'REGISTRY_INVALID_SCHEMA');
  });
});

describe('Protobuf: message indexes (wire format)', () => {
  it('maps messages to Confluent message-index paths and back', async () => {
    const { protobufMessageIndexes, protobufMessageAt, firstMessageName } = await import('../../../registry/index.js');
    const parsed = parseSchema(
      'PROTOBUF',
      proto3('message A { message Inner { int32 x = 1; } enum E { Z = 0; } message Inner2 { int32 y = 1; } }\nenum Top { T = 0; }\nmessage B { int32 b = 1; }'),
      [],
      defaultRegistryLimits,
    ) as ParsedProtobuf;
    expect(firstMessageName(parsed)).toBe('shop.A');
    expect(protobufMessageIndexes(parsed, 'shop.A')).toEqual([0]);
    expect(protobufMessageIndexes(parsed, '.shop.B')).toEqual([1]);
    expect(protobufMessageIndexes(parsed, 'shop.A.Inner2')).toEqual([0, 1]);
    expect(protobufMessageIndexes(parsed, 'shop.Nope')).toBeUndefined();
    expect(protobufMessageAt(parsed, [])?.fullName).toBe('.shop.A');
    expect(protobufMessageAt(parsed, [1])?.fullName).toBe('.shop.B');
    expect(protobufMessageAt(parsed, [0, 1])?.fullName).toBe('.shop.A.Inner2');
    expect(protobufMessageAt(parsed, [5])).toBeUndefined();
  });
});
