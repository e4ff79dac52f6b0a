/** Real-shaped Lambda events (the JSON fixtures) with a request's method, headers and body. */
import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';

const fixture = (name: string): APIGatewayProxyEventV2 =>
  JSON.parse(
    readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), 'utf8'),
  ) as APIGatewayProxyEventV2;

export const API_GATEWAY_HOST = 'abc123.execute-api.us-east-1.amazonaws.com';
export const FUNCTION_URL_HOST = 'abcdefghijklmnopqrstuvwxyz0123456.lambda-url.us-east-1.on.aws';

export interface EventInput {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  base64?: boolean;
  host?: string;
}

export function lambdaEvent(
  kind: 'api-gateway-v2' | 'function-url',
  { method = 'POST', headers = {}, body, base64 = false, host }: EventInput = {},
): APIGatewayProxyEventV2 {
  const event = fixture(kind);
  const lowered = Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]),
  );
  event.headers = { ...event.headers, ...lowered };
  if (host) {
    event.headers.host = host;
    event.requestContext.domainName = host;
  }
  event.requestContext.http.method = method;
  event.requestContext.requestId = crypto.randomUUID();
  event.requestContext.timeEpoch = Date.now();
  if (body === undefined) {
    delete event.body;
    delete event.headers['content-length'];
  } else {
    event.body = base64 ? Buffer.from(body).toString('base64') : body;
    event.isBase64Encoded = base64;
    event.headers['content-length'] = String(Buffer.byteLength(body));
  }
  return event;
}

export function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'mcp-runway',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:mcp-runway',
    memoryLimitInMB: '1024',
    awsRequestId: crypto.randomUUID(),
    logGroupName: '/aws/lambda/mcp-runway',
    logStreamName: '2026/11/21/[$LATEST]abcdef',
    getRemainingTimeInMillis: () => 30_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/** The test environment: the fixture domains allowed, an open server on purpose. */
export const testEnv = {
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  ALLOWED_HOSTS: `${API_GATEWAY_HOST},${FUNCTION_URL_HOST}`,
  ALLOW_UNAUTHENTICATED: 'true',
  // The EMF metric lines go to stdout; src/emf.test.ts turns them on with a collector.
  EMF_ENABLED: 'false',
  // The audit trail goes to stderr by default; src/audit.test.ts turns it on with a collector.
  AUDIT_LOG: 'off',
} as const;
