/**
 * What a session keeps of its client, and nothing more: a session lives for hours, dormant or
 * not, on this instance and in the shared store, so whatever it keeps must be small whatever
 * the client sends. A client's `initialize` may carry anything in its params (`_meta`, fields
 * of its own, a megabyte of padding); a replay needs three things of it.
 */
import { InitializeTooLargeError } from './errors.js';
import type { JsonRpcObject } from './route.js';

/** What the server does anything with (`getClientVersion()`); icons, description and website are dropped. */
const CLIENT_INFO_FIELDS = ['name', 'title', 'version'] as const;
/** What the SDK's `_oninitialize` reads: negotiation, the client's capabilities and identity. */
const PARAMS_FIELDS = ['protocolVersion', 'capabilities', 'clientInfo'] as const;

function isObject(value: unknown): value is JsonRpcObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pick(source: JsonRpcObject, fields: readonly string[]): JsonRpcObject {
  const kept: JsonRpcObject = {};
  for (const field of fields) if (field in source) kept[field] = source[field];
  return kept;
}

/** The params of an initialize reduced to what a replay needs; anything else left as it came. */
function keptParams(params: unknown): unknown {
  // Not an object: the SDK refuses it, as it would the original.
  if (!isObject(params)) return params;
  const kept = pick(params, PARAMS_FIELDS);
  if (isObject(kept.clientInfo)) kept.clientInfo = pick(kept.clientInfo, CLIENT_INFO_FIELDS);
  return kept;
}

export interface KeptInitialize {
  /** The kept part as JSON: the session's record, replayed on a rebuild. */
  json: string;
  /**
   * The initialize the session's server is given: the client's request with its params
   * reduced to the kept part, so the live server holds no more than a rebuilt one would and
   * both see the same client. The rest of the message (id, jsonrpc, anything unexpected) goes
   * through as it came, for the SDK to validate as usual.
   */
  request: JsonRpcObject;
}

/**
 * The part of an initialize request a session keeps: `{ jsonrpc, method, params: {
 * protocolVersion, capabilities, clientInfo: { name, title, version } } }`. Values are kept as
 * they came (the SDK validates them); the whole must fit in `maxBytes` (UTF-8) or the
 * initialize is refused with InitializeTooLargeError (400, -32602). Capabilities are the
 * open-ended part (`experimental`, `extensions`), so the cap is on the whole, not per field.
 */
export function keptInitialize(initialize: JsonRpcObject, maxBytes: number): KeptInitialize {
  const params = keptParams(initialize.params);
  const json = JSON.stringify({ jsonrpc: '2.0', method: 'initialize', params });
  const bytes = Buffer.byteLength(json);
  if (bytes > maxBytes) throw new InitializeTooLargeError(bytes, maxBytes);
  return { json, request: { ...initialize, params } };
}
