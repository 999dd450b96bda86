/**
 * Conversions from BYTES (BIGINT_FROM_BYTES, DOUBLE_FROM_BYTES, INT_FROM_BYTES, big- or
 * little-endian) and GEO_DISTANCE (haversine distance in km or miles).
 */
import type { ScalarFunction } from '../types.js';
import { BIGINT, BYTES, CONFLUENT, DOUBLE, INTEGER, STRING, functionError, overload, primitive, scalar } from './define.js';

type ByteOrder = 'BIG_ENDIAN' | 'LITTLE_ENDIAN';

/** BytesUtils.byteOrderType. */
function byteOrder(text: string | null): ByteOrder {
  if (text !== null && text.toUpperCase() === 'BIG_ENDIAN') return 'BIG_ENDIAN';
  if (text !== null && text.toUpperCase() === 'LITTLE_ENDIAN') return 'LITTLE_ENDIAN';
  throw functionError(`Byte order must be BIG_ENDIAN or LITTLE_ENDIAN. Unknown byte order '${text}'.`);
}

function checkSize(value: Buffer, size: number): void {
  if (value.length !== size) throw functionError(`Number of bytes must be equal to ${size}, but found ${value.length}`);
}

function fromBytes(name: string, size: number, read: (b: Buffer, order: ByteOrder) => number, type: 'INT' | 'BIGINT' | 'DOUBLE'): ScalarFunction {
  const convert = (value: Buffer | null, order: ByteOrder): number | null => {
    if (value === null) return null;
    checkSize(value, size);
    return read(value, order);
  };
  return scalar(
    {
      name,
      declaredName: name.toLowerCase(),
      category: 'CONVERSIONS',
      author: CONFLUENT,
      description: `Converts a BYTES value to an ${type} value according to the specified byte order. BYTES must be ${size} bytes long or a NULL value will be returned.`,
    },
    [
      overload([BYTES], type === 'INT' ? INTEGER : type === 'BIGINT' ? BIGINT : DOUBLE, (value: Buffer | null) => convert(value, 'BIG_ENDIAN'), {
        names: ['value'],
        docs: ['The BYTES value to convert.'],
        description: `Converts a BYTES value to an ${type} value using the 'BIG_ENDIAN' byte order. BYTES must be ${size} bytes long or a NULL value will be returned.`,
      }),
      overload(
        [BYTES, STRING],
        type === 'INT' ? INTEGER : type === 'BIGINT' ? BIGINT : DOUBLE,
        (value: Buffer | null, order: string | null) => convert(value, byteOrder(order)),
        {
          names: ['value', 'byteOrder'],
          docs: ['The BYTES value to convert.', "The byte order. Valid orders are 'BIG_ENDIAN' and 'LITTLE_ENDIAN'. If omitted, 'BIG_ENDIAN' is used."],
          description: `Converts a BYTES value to an ${type} value according to the specified byte order. BYTES must be ${size} bytes long or a NULL value will be returned.`,
        },
      ),
    ],
  );
}

// ---- GEO_DISTANCE ----

const EARTH_RADIUS_KM = 6371;
const EARTH_RADIUS_MILES = 3959;
const MILES = ['mi', 'mile', 'miles'];
const KMS = ['km', 'kilometer', 'kilometers', 'kilometre', 'kilometres'];
const VALID_VALUES = 'one of mi, mile, miles, km, kilometer, kilometers, kilometre or kilometres';

function haversin(v: number): number {
  return Math.pow(Math.sin(v / 2), 2);
}

function toRadians(deg: number): number {
  return deg * 0.017453292519943295;
}

function geoDistance(lat1: number | null, lon1: number | null, lat2: number | null, lon2: number | null, units: string | null): number {
  const a1 = primitive(lat1, 'geo_distance', 'lat1');
  const o1 = primitive(lon1, 'geo_distance', 'lon1');
  const a2 = primitive(lat2, 'geo_distance', 'lat2');
  const o2 = primitive(lon2, 'geo_distance', 'lon2');
  if (a1 < -90 || a2 < -90 || a1 > 90 || a2 > 90) {
    throw functionError('valid latitude values for GeoDistance function are in the range of -90 to 90 decimal degrees');
  }
  if (o1 < -180 || o2 < -180 || o1 > 180 || o2 > 180) {
    throw functionError('valid longitude values for GeoDistance function are in the range of -180 to +180 decimal degrees');
  }
  let radius = EARTH_RADIUS_KM;
  if (units !== null && units.trim().length > 0) {
    const unit = units.trim().toLowerCase();
    if (MILES.includes(unit)) radius = EARTH_RADIUS_MILES;
    else if (KMS.includes(unit)) radius = EARTH_RADIUS_KM;
    else throw functionError(`GeoDistance function units parameter must be ${VALID_VALUES}. Values are case-insensitive.`);
  }
  const deltaLat = toRadians(a2 - a1);
  const deltaLon = toRadians(o2 - o1);
  const a = haversin(deltaLat) + haversin(deltaLon) * Math.cos(toRadians(a1)) * Math.cos(toRadians(a2));
  return 2 * Math.asin(Math.sqrt(a)) * radius;
}

const GEO_NAMES = ['lat1', 'lon1', 'lat2', 'lon2'];
const GEO_DOCS = [
  'The latitude of the first point in decimal degrees.',
  'The longitude of the first point in decimal degrees.',
  'The latitude of the second point in decimal degrees.',
  'The longitude of the second point in decimal degrees.',
];

export const conversionFunctions: readonly ScalarFunction[] = [
  fromBytes('BIGINT_FROM_BYTES', 8, (b, o) => Number(o === 'BIG_ENDIAN' ? b.readBigInt64BE(0) : b.readBigInt64LE(0)), 'BIGINT'),
  fromBytes('DOUBLE_FROM_BYTES', 8, (b, o) => (o === 'BIG_ENDIAN' ? b.readDoubleBE(0) : b.readDoubleLE(0)), 'DOUBLE'),
  fromBytes('INT_FROM_BYTES', 4, (b, o) => (o === 'BIG_ENDIAN' ? b.readInt32BE(0) : b.readInt32LE(0)), 'INT'),
  scalar(
    {
      name: 'GEO_DISTANCE',
      declaredName: 'geo_distance',
      category: 'OTHER',
      author: CONFLUENT,
      description: 'Compute the distance between two points on the surface of the earth, according to the Haversine formula for "great circle distance".',
    },
    [
      overload([DOUBLE, DOUBLE, DOUBLE, DOUBLE, STRING], DOUBLE, geoDistance, {
        names: [...GEO_NAMES, 'units'],
        docs: [...GEO_DOCS, 'The units for the return value. Either MILES or KM.'],
        description:
          'The 2 input points should be specified as (lat, lon) pairs, measured in decimal degrees. An optional fifth parameter allows to specify either "MI" (miles) or "KM" (kilometers) as the desired unit for the output measurement. Default is KM.',
      }),
      overload([DOUBLE, DOUBLE, DOUBLE, DOUBLE], DOUBLE, (a: number | null, b: number | null, c: number | null, d: number | null) => geoDistance(a, b, c, d, 'km'), {
        names: GEO_NAMES,
        docs: GEO_DOCS,
        description: 'The 2 input points should be specified as (lat, lon) pairs, measured in decimal degrees. The distance returned is in kilometers.',
      }),
    ],
  ),
];
