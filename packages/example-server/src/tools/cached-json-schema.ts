import type { StandardSchemaWithJSON } from '@modelcontextprotocol/server';

/**
 * Memoizes a schema's JSON Schema conversion; validation is untouched. The SDK converts each
 * tool's schema on every `tools/list` and every `tools/call` (its cache lives on the server
 * instance, which stateless HTTP builds per request): 10 µs for a one-field schema, over
 * 100 µs for a large one, per tool, per request. The result is the same document.
 */
type JsonSchemaOptions = Parameters<StandardSchemaWithJSON['~standard']['jsonSchema']['input']>[0];

export function cachedJsonSchema<S extends StandardSchemaWithJSON>(schema: S): S {
  const standard = schema['~standard'];
  const memo = new Map<string, Record<string, unknown>>();
  const convert =
    (io: 'input' | 'output') =>
    (options: JsonSchemaOptions): Record<string, unknown> => {
      const key = `${io}:${options.target}`;
      let document = memo.get(key);
      if (!document) {
        document = standard.jsonSchema[io](options);
        memo.set(key, document);
      }
      return document;
    };
  return {
    '~standard': {
      ...standard,
      validate: (value: unknown) => standard.validate(value),
      jsonSchema: { input: convert('input'), output: convert('output') },
    },
  } as unknown as S;
}
