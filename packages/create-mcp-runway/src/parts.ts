/**
 * The parts a new project is assembled from. Every path is relative to the template root (the
 * mcp-runway repo, copied into this package at build time). A part owns whole folders; where a
 * folder holds files that only make sense beside another part (the nginx scale-out test needs
 * the session app), those files are listed under the part they belong to.
 */

export const APPS = [
  'stdio',
  'hono-http',
  'express-sessions',
  'lambda',
  'cloudflare-workers',
  'vercel',
] as const;
export type AppName = (typeof APPS)[number];

export const AUTH_MODES = ['none', 'apikey', 'oauth'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

export const STATE_STORES = ['memory', 'redis'] as const;
export type StateStore = (typeof STATE_STORES)[number];

export const INFRA = ['docker', 'k8s'] as const;
export type InfraName = (typeof INFRA)[number];

/** The MCP server the apps mount: the worked ticket board, or one `hello` tool to replace. */
export const EXAMPLES = ['tickets', 'minimal'] as const;
export type ExampleName = (typeof EXAMPLES)[number];

/** The package every app takes its MCP server from. */
export const SERVER_PACKAGE_DIR = 'packages/example-server';

/**
 * The minimal example is the server package with its ticket board taken out: these generic
 * files stay as they are, everything else in the package comes from `_examples/minimal/`
 * (this scaffolder's examples/minimal, copied at build).
 */
export const minimalExample = {
  templateDir: '_examples/minimal',
  keeps: ['src/module.ts', 'src/check.ts', 'src/caller.ts', 'src/tools/cached-json-schema.ts'],
} as const;

/**
 * The ticket board's interactive view (MCP Apps, `--ui`; never with `--example minimal`). Without
 * it these paths go (a trailing `/` is a folder), code lines marked `// runway:part ui` (or
 * between `// runway:part ui` and `// runway:end` lines) go, and so do Markdown blocks marked for
 * `ui`; the server package loses the dependencies and scripts that build and test the view.
 */
export const viewPart = {
  name: 'ui',
  paths: [
    'packages/example-server/ui/',
    'packages/example-server/src/ui/',
    'packages/example-server/src/testing/',
    // The view against the running app (it imports the harness above).
    'apps/hono-http/src/mcp-app.test.ts',
    'packages/example-server/src/tools/show-board.ts',
    'packages/example-server/scripts/screenshot.mjs',
    'packages/example-server/vite.config.ts',
  ],
  dependencies: [
    '@modelcontextprotocol/ext-apps',
    'playwright-core',
    'vite',
    'vite-plugin-singlefile',
  ],
  /** The server package's scripts without the view: plain tsc, no screenshot. */
  scripts: { build: 'tsc -p tsconfig.build.json', typecheck: 'tsc --noEmit' },
  dropScripts: ['screenshot'],
  /** The server package's test-only export of the view harness (src/testing/), and the bundle's. */
  dropExports: ['./testing/view-host', './view/board.html'],
  /** The view's variables, which `.env.example` leaves out without it. */
  variablePrefix: 'UI_',
} as const;

export interface AppPart {
  name: AppName;
  title: string;
  hint: string;
  /** Folders beside the app folder that belong to it. */
  extraDirs: readonly string[];
}

export const appParts: Record<AppName, AppPart> = {
  stdio: {
    name: 'stdio',
    title: 'stdio',
    hint: 'a local server for desktop clients and the Inspector',
    extraDirs: [],
  },
  'hono-http': {
    name: 'hono-http',
    title: 'Streamable HTTP on Hono',
    hint: 'stateless, both protocol eras, auth, rate limits, metrics',
    // Alerts and the dashboard query the metrics every HTTP app exports; their tests live in
    // packages/metrics and the app's observability test.
    extraDirs: ['infra/observability'],
  },
  'express-sessions': {
    name: 'express-sessions',
    title: 'Express with 2025 sessions',
    hint: 'Mcp-Session-Id sessions in Redis, resumable streams, nginx in front',
    extraDirs: ['infra/nginx', 'infra/observability'],
  },
  lambda: {
    name: 'lambda',
    title: 'AWS Lambda',
    hint: 'API Gateway and Function URL streaming handlers, SAM template',
    // The metrics package (through the pipeline) tests its alert rules there.
    extraDirs: ['infra/observability'],
  },
  'cloudflare-workers': {
    name: 'cloudflare-workers',
    title: 'Cloudflare Workers',
    hint: 'the stateless lane on workerd, limits in a Durable Object, wrangler',
    extraDirs: ['infra/observability'],
  },
  vercel: {
    name: 'vercel',
    title: 'Vercel Functions',
    hint: 'the Hono pipeline as a Vercel Function, limits shared through Redis',
    extraDirs: ['infra/observability'],
  },
};

export interface InfraPart {
  name: InfraName;
  title: string;
  dirs: readonly string[];
  /** Files inside shared folders (infra/deploy) that test this part. */
  files: readonly string[];
}

export const infraParts: Record<InfraName, InfraPart> = {
  docker: {
    name: 'docker',
    title: 'Docker, compose and Caddy',
    // With Redis, compose puts nginx in front of three instances: planProject adds infra/nginx.
    dirs: ['infra/docker', 'infra/caddy', 'infra/deploy'],
    files: [],
  },
  k8s: {
    name: 'k8s',
    title: 'Kubernetes (kustomize base, dev and prod overlays)',
    dirs: ['infra/k8s', 'infra/deploy'],
    files: [],
  },
};

/**
 * Files that stay only when a part is chosen, although their folder comes with another part.
 * Keyed by the part that owns them (an app, an infra part, or a state store); a file listed
 * under two parts needs both. Markdown marks such lines with `<!-- runway:part NAME -->` …
 * `<!-- runway:end -->`.
 */
export const ownedFiles: Record<string, readonly string[]> = {
  // infra/nginx's own helpers (app.ts, redis.ts) start whichever app a test names, by path.
  'express-sessions': [
    'infra/nginx/test/scale-out.test.ts',
    'infra/nginx/test/notifications.test.ts',
    'infra/nginx/test/client.ts',
  ],
  'hono-http': ['infra/nginx/test/oauth-builtin.test.ts'],
  // The ticket board's tool that calls the identity provider, tested through the browser flow.
  // ... and the ticket board's change notifications (assign_ticket), across two replicas.
  tickets: [
    'apps/hono-http/src/upstream-profile.test.ts',
    'apps/express-sessions/src/notifications.test.ts',
  ],
  docker: [
    'infra/deploy/test/caddy.test.ts',
    'infra/deploy/test/compose.test.ts',
    'infra/deploy/test/compose-single.test.ts',
    'infra/deploy/test/container.test.ts',
    'infra/deploy/test/dockerfile.ts',
  ],
  k8s: ['infra/deploy/test/k8s.test.ts'],
  // The state choice picks the compose file: three instances sharing Redis, or one in memory.
  redis: ['infra/docker/compose.yaml', 'infra/deploy/test/compose.test.ts'],
  memory: ['infra/docker/compose.single.yaml', 'infra/deploy/test/compose-single.test.ts'],
};

/** Dev dependencies that only a part's own files use. */
export const ownedDevDependencies: Record<string, Record<string, readonly string[]>> = {
  k8s: { 'infra/deploy': ['kubernetes-models'] },
  // hono-http's view test drives Chromium (apps/hono-http/src/mcp-app.test.ts, a `ui` file).
  ui: { 'apps/hono-http': ['playwright-core'] },
};

/** The guides every project gets (the repo's docs/guides, copied at build). */
export const GUIDES_DIR = 'docs/guides';

/**
 * Part names no project ever has: Markdown marked for them is mcp-runway's own (`workshop`:
 * pointers into the workshop; `repo`: what is true of this repository only, such as its CI).
 */
export const REPO_ONLY_PARTS = ['workshop', 'repo'] as const;

/** Files at the template root every project gets. */
export const rootFiles = [
  'package.json',
  'pnpm-lock.yaml',
  'tsconfig.base.json',
  'turbo.json',
  'biome.json',
  '.gitignore',
  '.dockerignore',
  'scripts/test-summary.mjs',
  'scripts/new-package.sh',
  'scripts/ensure-node.sh',
] as const;
