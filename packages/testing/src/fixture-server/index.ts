export type { FixtureCheck, FixtureCheckContext } from './checks.js';
export { fixtureChecks, textOf } from './checks.js';
export type { FixtureServerOptions, FixtureToolName } from './server.js';
export {
  createFixtureServer,
  FIXTURE_WATCHED_URI,
  FIXTURE_WRITE_SCOPE,
  fixtureServerModule,
  fixtureToolNames,
  fixtureToolPolicies,
} from './server.js';
