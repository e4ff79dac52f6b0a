export type { Browser } from './browser.js';
export { launchBrowser } from './browser.js';
export type { TestIdentityProvider, TestIdentityProviderOptions, TestPerson } from './idp.js';
export { startTestIdentityProvider } from './idp.js';
