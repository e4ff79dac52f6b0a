export type { ProtectedServer, Security, SecurityOptions } from './security.js';
export { createSecurity } from './security.js';
