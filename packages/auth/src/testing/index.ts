/**
 * Real authorization-server fixtures for tests, shared with the apps' tests:
 * oidc-provider on loopback (client_credentials, resource indicators, JWT or opaque tokens),
 * and a key issuer whose signing keys the test holds.
 */
export type {
  TestAuthorizationServer,
  TestAuthorizationServerOptions,
  TestClient,
} from './authorization-server.js';
export { startAuthorizationServer } from './authorization-server.js';
export type { KeyIssuer } from './key-issuer.js';
export { startKeyIssuer } from './key-issuer.js';
