/**
 * The fixture server under the export names a server package has (`serverModule`,
 * `settings`), for a built app started as its own process with the fixture in place of its
 * real server (see `spawnServer`'s `fixtureServerFor`).
 */
export { fixtureServerModule as serverModule } from './server.js';

/** The fixture reads no variables of its own: an empty configuration piece. */
export const settings = { shape: {} } as const;
