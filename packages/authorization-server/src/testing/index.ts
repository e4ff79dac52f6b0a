export type { Browser } from './browser.js';
export { CHROMIUM, launchBrowser } from './browser.js';
export type { GitHubUser, TestGitHub } from './github.js';
export { startTestGitHub } from './github.js';
export type { TestIdentityProvider, TestIdentityProviderOptions, TestPerson } from './idp.js';
export { startTestIdentityProvider } from './idp.js';
export type { CallbackServer } from './oauth-client.js';
export { startCallbackServer, TestOAuthClient } from './oauth-client.js';
