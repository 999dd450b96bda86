/**
 * The bridge from a step's FormatSpec to engine/formats: builds the serde for one side of a
 * topic. `features` (WRAP_SINGLES / UNWRAP_SINGLES, comma-separated) is taken out of the
 * properties; properties the format does not declare are dropped; keys without explicit features
 * get ksqlDB's key default (a single key column unwrapped).
 */
import { FORMATS, createSerde, resolveFormatName, resolveKeyFeatures, type SerdeDependencies, type SerdeFeature } from '../formats/index.js';
import type { RowSerde, SerdeFactory, SerdeRequest } from '../operators/index.js';

export function formatsSerdeFactory(dependencies: SerdeDependencies = {}): SerdeFactory {
  return {
    create(request: SerdeRequest): RowSerde {
      const format = resolveFormatName(request.format);
      const declared = FORMATS[format].properties as readonly string[];
      const properties: Record<string, string> = {};
      let features: SerdeFeature[] | null = null;
      for (const [key, value] of Object.entries(request.properties)) {
        if (key === 'features') {
          features = value
            .split(',')
            .map((f) => f.trim().toUpperCase())
            .filter((f): f is SerdeFeature => f === 'WRAP_SINGLES' || f === 'UNWRAP_SINGLES');
        } else if (declared.includes(key)) {
          properties[key] = value;
        }
      }
      if (features === null) features = request.target === 'key' ? resolveKeyFeatures(format, request.columns.length === 1) : [];
      return createSerde(
        { target: request.target, columns: request.columns, format, properties, features, topic: request.topic },
        dependencies,
      );
    },
  };
}
