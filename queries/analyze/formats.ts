/**
 * Key and value formats of a source or sink: names, format properties, wrapping features, and a
 * check (by building the serdes) that the formats can carry the columns, with ksqlDB's errors.
 */
import {
  FORMATS,
  createSerde,
  formatSpec,
  resolveFormatName,
  resolveKeyFeatures,
  resolveValueFeatures,
  validateFormatProperties,
  type SerdeFeature,
} from '../../engine/formats/index.js';
import { SluiceError, type ColumnDef, type FormatSpec, type Formats } from './deps.js';

export interface FormatRequest {
  readonly format: string;
  /** Format properties (delimiter, fullSchemaName, schemaId...). */
  readonly properties: Readonly<Record<string, string>>;
}

function asAnalysisError(error: unknown): never {
  if (error instanceof SluiceError && error.code === 'ENGINE_FORMAT_UNSUPPORTED') {
    throw new SluiceError('SQL_ANALYSIS', error.message, error.details);
  }
  throw error;
}

export function canonicalFormat(name: string): string {
  try {
    return resolveFormatName(name);
  } catch (error) {
    asAnalysisError(error);
  }
}

/** The format's own FormatSpec (engine/formats), or undefined for an unknown name. */
export function formatInfo(name: string): (typeof FORMATS)[keyof typeof FORMATS] | undefined {
  try {
    return formatSpec(name);
  } catch {
    return undefined;
  }
}

function withFeatures(properties: Readonly<Record<string, string>>, features: readonly SerdeFeature[]): Record<string, string> {
  const out: Record<string, string> = { ...properties };
  if (features.length > 0) out.features = features.join(',');
  return out;
}

/**
 * Builds the key and value FormatSpecs (features included) and checks the columns fit, as
 * ksqlDB's CreateSourceFactory.buildFormats + validateSerdesCanHandleSchemas.
 */
export function buildFormats(
  key: FormatRequest,
  value: FormatRequest,
  keyColumns: readonly ColumnDef[],
  valueColumns: readonly ColumnDef[],
  options: { explicitWrap?: boolean | undefined; configWrap?: boolean | undefined; topic: string },
): Formats {
  try {
    const keyFormat = resolveFormatName(key.format);
    const valueFormat = resolveFormatName(value.format);
    validateFormatProperties(keyFormat, key.properties);
    validateFormatProperties(valueFormat, value.properties);
    const keyFeatures = resolveKeyFeatures(keyFormat, keyColumns.length === 1);
    const valueFeatures = resolveValueFeatures(valueFormat, valueColumns.length === 1, options.explicitWrap, options.configWrap);
    const formats: Formats = {
      key: { format: keyFormat, properties: withFeatures(key.properties, keyFeatures) },
      value: { format: valueFormat, properties: withFeatures(value.properties, valueFeatures) },
    };
    validateSerdes(formats, keyColumns, valueColumns, options.topic);
    return formats;
  } catch (error) {
    asAnalysisError(error);
  }
}

/** Builds the serdes once to surface ksqlDB's "format does not support schema" errors. */
export function validateSerdes(formats: Formats, keyColumns: readonly ColumnDef[], valueColumns: readonly ColumnDef[], topic: string): void {
  try {
    validateSide(formats.key, 'key', keyColumns, topic);
    validateSide(formats.value, 'value', valueColumns, topic);
  } catch (error) {
    asAnalysisError(error);
  }
}

function validateSide(spec: FormatSpec, target: 'key' | 'value', columns: readonly ColumnDef[], topic: string): void {
  const format = resolveFormatName(spec.format);
  const { features: featureText, ...properties } = spec.properties;
  const features = (featureText ?? '')
    .split(',')
    .map((f) => f.trim())
    .filter((f): f is SerdeFeature => f === 'WRAP_SINGLES' || f === 'UNWRAP_SINGLES');
  // Registry formats are checked without a registry: the schema ksqlDB would derive must exist
  // (Avro names, MAP keys...); nothing is looked up or registered here.
  createSerde({ target, columns, format, properties, features, topic });
}
