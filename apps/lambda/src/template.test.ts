import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse, type Tags } from 'yaml';
import { outfile } from '../scripts/bundle.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * CloudFormation's short-form intrinsics (`!Ref X`, `!Sub ...`, `!If [...]`) as the long-form
 * mappings they stand for (`{ Ref: X }`, `{ 'Fn::Sub': ... }`), so the template parses as data.
 */
const intrinsic = (tag: string, key: string): Tags =>
  (['scalar', 'seq', 'map'] as const).map((collection) => ({
    tag: `!${tag}`,
    collection: collection === 'scalar' ? undefined : collection,
    resolve: (value: unknown) => {
      const plain =
        value && typeof value === 'object' && 'toJSON' in value
          ? (value as { toJSON: () => unknown }).toJSON()
          : value;
      // `!GetAtt A.B` is `{ 'Fn::GetAtt': ['A', 'B'] }`.
      if (tag === 'GetAtt' && typeof plain === 'string') return { [key]: plain.split('.') };
      return { [key]: plain };
    },
  })) as Tags;
const customTags: Tags = [
  ...intrinsic('Ref', 'Ref'),
  ...intrinsic('Condition', 'Condition'),
  ...['Sub', 'GetAtt', 'If', 'Not', 'Equals', 'And', 'Or', 'Join', 'Select', 'Split', 'FindInMap']
    .concat(['Base64', 'Cidr', 'GetAZs', 'ImportValue'])
    .flatMap((name) => intrinsic(name, `Fn::${name}`)),
];

interface Fn {
  Type: string;
  Properties: {
    Handler: string;
    Timeout: number;
    CodeUri?: string;
    MemorySize?: number;
    FunctionUrlConfig?: { AuthType: string; InvokeMode: string };
    LoggingConfig?: { LogGroup: { Ref: string } };
    Events?: Record<string, { Type: string; Properties: { Method: string; Path: string } }>;
  };
}
const template = parse(readFileSync(resolve(root, 'template.yaml'), 'utf8'), {
  customTags,
}) as {
  Transform: string;
  Globals: {
    Function: Record<string, unknown> & { Environment: { Variables: Record<string, unknown> } };
  };
  Resources: Record<string, Fn & { Properties: Record<string, unknown> }>;
  Parameters: Record<string, { NoEcho?: boolean }>;
};
const functions = Object.entries(template.Resources).filter(
  ([, resource]) => resource.Type === 'AWS::Serverless::Function',
);
const fn = (name: string) => template.Resources[name] as Fn;
const setting = <K extends keyof Fn['Properties']>(name: string, key: K) =>
  fn(name).Properties[key] ?? (template.Globals.Function[key] as Fn['Properties'][K]);

describe('template.yaml (AWS SAM)', () => {
  it('is a SAM template with the two functions', () => {
    expect(template.Transform).toBe('AWS::Serverless-2016-10-31');
    expect(functions.map(([name]) => name).sort()).toEqual(['McpApiFunction', 'McpStreamFunction']);
  });

  it('points CodeUri + handler file at the file the bundle step writes', () => {
    for (const [name] of functions) {
      const codeUri = setting(name, 'CodeUri') as string;
      const [file] = fn(name).Properties.Handler.split('.');
      expect(resolve(root, codeUri, `${file}.mjs`)).toBe(outfile);
      expect(dirname(outfile)).toBe(resolve(root, codeUri));
    }
    expect(fn('McpApiFunction').Properties.Handler).toBe('index.handler');
    expect(fn('McpStreamFunction').Properties.Handler).toBe('index.streamingHandler');
  });

  it('names handlers the built bundle really exports', async () => {
    expect(existsSync(outfile)).toBe(true);
    // A fresh process (the global setup built the bundle): the names the module exports.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(outfile)});
         process.stdout.write(JSON.stringify(Object.keys(m).filter((k) => typeof m[k] === 'function')));`,
      ],
      { env: { PATH: process.env.PATH ?? '' }, cwd: '/' },
    );
    const exported = JSON.parse(stdout) as string[];
    for (const [name] of functions) {
      const [, exportName] = fn(name).Properties.Handler.split('.');
      expect(exported).toContain(exportName);
    }
  });

  it('streams through a Function URL with InvokeMode RESPONSE_STREAM', () => {
    expect(fn('McpStreamFunction').Properties.FunctionUrlConfig).toEqual({
      AuthType: 'NONE',
      InvokeMode: 'RESPONSE_STREAM',
    });
  });

  it('routes /mcp (POST, GET, DELETE) and the probes through the HTTP API', () => {
    const events = Object.values(fn('McpApiFunction').Properties.Events ?? {});
    expect(events.every((event) => event.Type === 'HttpApi')).toBe(true);
    const routes = events.map((event) => `${event.Properties.Method} ${event.Properties.Path}`);
    expect(routes).toEqual(
      expect.arrayContaining(['POST /mcp', 'GET /mcp', 'DELETE /mcp', 'GET /health', 'GET /ready']),
    );
  });

  it('sets memory and timeouts: 30 s behind API Gateway, up to 15 min streaming', () => {
    for (const [name] of functions) {
      expect(setting(name, 'MemorySize')).toBeGreaterThanOrEqual(128);
    }
    expect(setting('McpApiFunction', 'Timeout')).toBe(30);
    expect(setting('McpStreamFunction', 'Timeout')).toBeGreaterThan(30);
    expect(setting('McpStreamFunction', 'Timeout')).toBeLessThanOrEqual(900);
    // Node 24 LTS: the Node the bundle targets (scripts/bundle.mjs) and CI tests with.
    expect(template.Globals.Function.Runtime).toBe('nodejs24.x');
  });

  it('sets the environment the config schema needs; secrets are NoEcho', () => {
    const env = template.Globals.Function.Environment.Variables;
    expect(Object.keys(env)).toEqual(
      expect.arrayContaining(['ALLOWED_HOSTS', 'AUTH_MODE', 'API_KEYS', 'REDIS_URL', 'LOG_FORMAT']),
    );
    expect(env.LOG_FORMAT).toBe('json');
    expect(env.ALLOWED_HOSTS).toEqual({ Ref: 'AllowedHosts' });
    expect(env.API_KEYS).toEqual({
      'Fn::If': ['HasApiKeys', { Ref: 'ApiKeys' }, { Ref: 'AWS::NoValue' }],
    });
    expect(template.Parameters.ApiKeys?.NoEcho).toBe(true);
    expect(template.Parameters.RedisUrl?.NoEcho).toBe(true);
  });

  it('gives every function a log group with a retention', () => {
    for (const [name] of functions) {
      const group = fn(name).Properties.LoggingConfig?.LogGroup.Ref as string;
      const resource = template.Resources[group] as {
        Type: string;
        Properties: Record<string, unknown>;
      };
      expect(resource.Type).toBe('AWS::Logs::LogGroup');
      expect(resource.Properties.RetentionInDays).toEqual({ Ref: 'LogRetentionDays' });
    }
  });
});
