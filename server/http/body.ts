/**
 * Request bodies. The `Content-Type` of a request is never checked (clients send
 * `application/json`, `application/vnd.ksql.v1+json` or nothing), so every route reads the raw
 * body itself, up to `httpBodyBytesMax`, and parses the JSON with ksqlDB's error messages.
 */
import type { Readable } from 'node:stream';
import { SluiceError } from '../../common/index.js';

export function bodyTooLarge(limitBytes: number, foundBytes: number): SluiceError {
  return new SluiceError('SERVER_BODY_TOO_LARGE', `Request body too large: expected at most ${limitBytes} bytes, found ${foundBytes} or more`, {
    expected: `<= ${limitBytes} bytes`,
    found: `${foundBytes} bytes`,
  });
}

/** The whole body (empty Buffer for none). Rejects with SERVER_BODY_TOO_LARGE beyond `limitBytes`. */
export function readBody(stream: Readable, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (stream.readableEnded) {
      resolve(Buffer.alloc(0));
      return;
    }
    const chunks: Buffer[] = [];
    let bytes = 0;
    let failed = false;
    const onData = (chunk: Buffer | string): void => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      bytes += buffer.length;
      if (bytes > limitBytes) {
        failed = true;
        cleanup();
        stream.resume();
        reject(bodyTooLarge(limitBytes, bytes));
        return;
      }
      chunks.push(buffer);
    };
    const onEnd = (): void => {
      cleanup();
      if (!failed) resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    };
    const onError = (error: Error): void => {
      cleanup();
      if (!failed) reject(new SluiceError('SERVER_BAD_REQUEST', `Error reading the request body: ${error.message}`, {}, { cause: error }));
    };
    const cleanup = (): void => {
      stream.removeListener('data', onData);
      stream.removeListener('end', onEnd);
      stream.removeListener('error', onError);
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}

export function invalidJson(message: string): SluiceError {
  return new SluiceError('SERVER_BAD_REQUEST', `Invalid JSON in request: ${message}`, { expected: 'a JSON object', found: message });
}

/** Parses a JSON object body (anything else is a 40000 error). */
export function parseJsonObject(body: Buffer | string): Record<string, unknown> {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  if (text.trim() === '') throw invalidJson('No content to map due to end-of-input');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalidJson((error as Error).message);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalidJson(`expected a JSON object, found ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`);
  }
  return value as Record<string, unknown>;
}

export function badField(field: string, expected: string, found: unknown): SluiceError {
  const shown = found === undefined ? 'nothing' : JSON.stringify(found);
  return new SluiceError('SERVER_BAD_REQUEST', `Invalid request: "${field}" must be ${expected}, found ${shown}`, { expected, found: shown, field });
}

export function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badField(field, 'a string', value);
  return value;
}

export function requiredString(body: Record<string, unknown>, field: string): string {
  const value = optionalString(body, field);
  if (value === undefined) {
    throw new SluiceError('SERVER_BAD_REQUEST', `Invalid request: missing required field "${field}"`, { expected: `a "${field}" string`, found: 'nothing', field });
  }
  return value;
}

/** A JSON object of scalar values (streamsProperties, properties, sessionVariables). */
export function optionalMap(body: Record<string, unknown>, field: string): Record<string, unknown> {
  const value = body[field];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw badField(field, 'a JSON object', value);
  return value as Record<string, unknown>;
}
