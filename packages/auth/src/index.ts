export type { ApiKeyAuthenticatorOptions } from './api-key-authenticator.js';
export { createApiKeyAuthenticator } from './api-key-authenticator.js';
export type { ApiKeyEntry, ApiKeySources } from './api-key-config.js';
export {
  API_KEY_PREFIX,
  apiKeyDigest,
  formatApiKeyEntry,
  hashApiKey,
  loadApiKeys,
  mintApiKey,
  parseApiKeys,
} from './api-key-config.js';
export type { AuthDecisionFacts } from './audit.js';
export { auditAuthDecision, refusalReason } from './audit.js';
export type { Authenticated, FailureGuard, FailureLimit } from './authenticate.js';
export { authenticateRequest } from './authenticate.js';
export type { BearerChallengeParams, Challenge } from './challenge.js';
export {
  bearerChallenge,
  checkScopes,
  isRefusedCredential,
  malformedCredentials,
  unauthorized,
} from './challenge.js';
export type { TokenClaims } from './claims.js';
export { principalFromClaims, scopesOf } from './claims.js';
export type { AuthConfig } from './config.js';
export { authConfig } from './config.js';
export { bearerToken, MAX_CREDENTIAL_LENGTH, presentedCredential } from './credentials.js';
export type { IssuerMetadata } from './discovery.js';
export { discoverIssuerMetadata } from './discovery.js';
export type {
  Authentication,
  AuthenticationOptions,
  BuiltinIssuer,
  Endpoint,
} from './from-config.js';
export { callerId, createAuthentication, resourceUri } from './from-config.js';
export type { IntrospectionAuthenticatorOptions } from './introspection.js';
export { createIntrospectionAuthenticator } from './introspection.js';
export type { JwtAuthenticatorOptions } from './jwt.js';
export { createJwtAuthenticator } from './jwt.js';
export type {
  PrmUrls,
  ProtectedResourceMetadata,
  ProtectedResourceMetadataOptions,
} from './metadata.js';
export { canonicalResourceUri, prmUrls, protectedResourceMetadata } from './metadata.js';
export type {
  Authenticator,
  AuthInfo,
  Credentials,
  Principal,
  UpstreamAccess,
} from './principal.js';
export { toAuthInfo, UpstreamTokenUnavailableError } from './principal.js';
export type { McpCall, ToolScopePolicies } from './tool-scopes.js';
export { checkToolScopes, requiredScopes } from './tool-scopes.js';
