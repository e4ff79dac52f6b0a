/**
 * The files a new project gets that are written for it rather than copied: its README (with
 * the same two commands as the template), its CI script, the workspace file and .env.example.
 * Each one only mentions the parts the project has.
 */
import { deploymentSection } from './deployment.js';
import { envExample, envFile } from './env.js';
import { type Choices, type PackageManager, productName } from './options.js';
import { type AppName, appParts } from './parts.js';

export const PNPM = 'pnpm@10.34.9';

/** The app `pnpm start` runs: the first server app the project has (Lambda runs locally too). */
export function mainApp(apps: readonly AppName[]): AppName {
  const order: readonly AppName[] = ['hono-http', 'express-sessions', 'lambda', 'stdio'];
  return order.find((app) => apps.includes(app)) ?? 'stdio';
}

/** Any app that serves HTTP: it reads the HTTP, auth and limit settings, and uses Redis. */
export function hasHttpApp(apps: readonly AppName[]): boolean {
  return apps.some((app) => app !== 'stdio');
}

/** How a user of this package manager runs pnpm (the project is a pnpm workspace). */
export function pnpmCommand(pm: PackageManager): string {
  switch (pm) {
    case 'pnpm':
      return 'pnpm';
    case 'yarn':
      return `yarn dlx ${PNPM}`;
    case 'bun':
      return `bunx ${PNPM}`;
    default:
      return `npx --yes ${PNPM}`;
  }
}

/** Where each HTTP app listens on its defaults. */
export const MAIN_URL: Partial<Record<AppName, string>> = {
  'hono-http': 'http://127.0.0.1:3000/mcp',
  'express-sessions': 'http://127.0.0.1:3002/mcp',
  lambda: 'http://127.0.0.1:3000/mcp',
};

export interface WorkspacePackage {
  dir: string;
  name: string;
}

export function generatedFiles(
  choices: Choices,
  apps: readonly AppName[],
  packages: readonly WorkspacePackage[],
  reference: string,
): { files: Map<string, string>; apiKey?: string } {
  const files = new Map<string, string>();
  files.set('pnpm-workspace.yaml', workspaceYaml(packages));
  files.set('README.md', readme(choices, apps, packages));
  files.set('.ci/run', ciScript(apps, choices));
  files.set('.env.example', envExample(reference, apps));
  const env = envFile(choices, apps);
  files.set('.env', env.text);
  return env.apiKey === undefined ? { files } : { files, apiKey: env.apiKey };
}

/**
 * The workspace file: its folders, then pnpm's settings, the same as mcp-runway's own
 * (plan.test.ts compares them), so the first install is as quiet here as there.
 */
function workspaceYaml(packages: readonly WorkspacePackage[]): string {
  const groups = [...new Set(packages.map(({ dir }) => dir.split('/')[0]))];
  return [
    'packages:',
    ...groups.map((group) => `  - ${group}/*`),
    "# pnpm's settings live here, not in .npmrc (npm and npx read .npmrc too, and warn about keys",
    '# they do not know).',
    '# Exact versions everywhere: `pnpm add` writes "1.2.3", not "^1.2.3".',
    'saveExact: true',
    'engineStrict: false',
    '# The version in packageManager is what we test with; do not download-and-switch at run time.',
    'managePackageManagerVersions: false',
    "# Scripts run in pnpm's own shell, not `sh -c`: Ctrl-C reaches the server itself, which drains",
    '# and exits 0, and `pnpm start` ends quietly (a killed sh made pnpm report a failed command).',
    'shellEmulator: true',
    '# Install scripts pnpm may run (it runs none otherwise): Claude Code puts its native binary',
    '# in place, should you add it as a dependency.',
    'onlyBuiltDependencies:',
    '  - "@anthropic-ai/claude-code"',
    '# Install scripts declined on purpose, so the first install asks nothing. esbuild (tsx, the',
    '# Lambda bundle) finds its platform binary through its optional dependency without its',
    "# postinstall; the Inspector's postinstall only installs its clients in a source checkout.",
    "# workerd (wrangler's runtime, the Workers app) likewise finds its binary in its platform",
    '# package.',
    'ignoredBuiltDependencies:',
    '  - esbuild',
    '  - workerd',
    '  - "@modelcontextprotocol/inspector"',
    '',
  ].join('\n');
}

function readme(
  choices: Choices,
  apps: readonly AppName[],
  packages: readonly WorkspacePackage[],
): string {
  const main = mainApp(apps);
  const run = `npx --yes ${PNPM}`;
  const http = hasHttpApp(apps);
  const needs = ciNeeds(apps, choices);
  const needed = needs.length ? ` (${needs.join(', ')})` : '';
  const rows = packages.map(({ dir, name }) => `| \`${dir}\` | \`${name}\` |`);
  const lines = [
    `# ${choices.name}`,
    '',
    'An MCP (Model Context Protocol) server, scaffolded with `create-mcp-runway`: the official',
    'MCP TypeScript SDK v2, serving 2026-07-28 clients and 2025-11-25 clients.',
    '',
    `Apps: ${apps.map((app) => `${appParts[app].title} (\`apps/${app}\`)`).join(', ')}.`,
    `Auth: \`${choices.auth}\`. State: ${choices.state === 'redis' ? 'Redis (`REDIS_URL`)' : 'in memory'}.`,
    '',
    '## Two commands',
    'Both need Node.js 24 LTS (22.19 or later works too) and nothing else: pnpm is fetched by',
    '`npx` if you do not have it. With an older Node on Linux, `. scripts/ensure-node.sh` fetches',
    `the official Node 24 build once from the npm registry (into \`~/.cache/${productName(choices)}\`) and puts`,
    "it first on your shell's PATH.",
    '',
    `Start the main server (\`apps/${main}\`) on embedded defaults (in memory, no Redis):`,
    '```sh',
    `${run} install --frozen-lockfile && ${run} start`,
    '```',
    '',
    'Run every check: lint, typecheck, build and all tests:',
    '```sh',
    `${run} install --frozen-lockfile && ${run} check`,
    '```',
    'It ends with one line, `tests: N passed, N failed`. `bash .ci/run` does the same on Node 24',
    `(fetched when the machine's is older), after starting what the tests need${needed}.`,
    '',
  ];
  if (main !== 'stdio') {
    lines.push(
      `The server listens on \`${MAIN_URL[main]}\`; \`GET /health\` and \`GET /ready\` are the probes.`,
      `Try it: \`npx --yes @modelcontextprotocol/inspector@2.12.0 --cli ${MAIN_URL[main]} --method tools/list\`.`,
      'Check it the way production will (both eras, CORS, Host/Origin, malformed input, OAuth',
      `discovery, SSE headers, sessions): \`node packages/testing/dist/cli.js ${MAIN_URL[main]}\`.`,
      '',
      `While you work, \`${run} dev\` serves it from the TypeScript sources (no build) and`,
      'restarts it each time you save a file, in one to two seconds; Ctrl-C stops it.',
      '',
    );
  } else {
    lines.push(
      'The server speaks MCP on stdin/stdout (logs on stderr). Try it:',
      '`npx --yes @modelcontextprotocol/inspector@2.12.0 --cli node apps/stdio/dist/main.js --method tools/list`.',
      '',
    );
  }
  lines.push(
    '## Make it yours',
    `Your MCP server lives in \`packages/example-server\` (${choices.example === 'minimal' ? 'one `hello` tool, to replace' : 'a ticket board: tools, resources, prompts'}); every`,
    'app mounts its `serverModule` and never names a tool. Add or replace tools in',
    '`packages/example-server/src/tools/` (a file per tool, listed in `src/tools/index.ts`, its',
    'test beside it and its client checks in `src/testing.ts`); the apps and their tests need no',
    'change. Step by step, with a tool to copy: [Add a tool](docs/guides/add-a-tool.md).',
    '',
    'Use it from Claude Code, VS Code, Cursor or Claude Desktop:',
    '[Connect a host](docs/guides/connect-a-host.md). VS Code needs nothing more:',
    `\`.vscode/mcp.json\` lists ${apps.length === 1 ? 'the app' : 'every app'} (open the folder, then **MCP: List Servers**).`,
    '',
    '## Packages',
    '| folder | package |',
    '|---|---|',
    ...rows,
    '',
  );
  if (http) {
    lines.push('## Configuration', ...configNotes(choices), '');
  }
  lines.push(...deploymentSection(choices, apps));
  return `${lines.join('\n')}`;
}

function configNotes(choices: Choices): string[] {
  const auth = {
    none: '- `AUTH_MODE=none`: open. Off loopback the server refuses to start unless `ALLOW_UNAUTHENTICATED=true`.',
    apikey: `- \`AUTH_MODE=apikey\`: create a key with \`node packages/auth/dist/cli.js --principal me${writeScope(choices)}\` and set the printed \`API_KEYS\` entry (only the hash is stored).`,
    oauth:
      "- `AUTH_MODE=oauth`: set `OAUTH_ISSUER` (your authorization server) and `RESOURCE_URI` (this server's public URL, the audience tokens must name); the server publishes Protected Resource Metadata for clients to discover it.",
  }[choices.auth];
  const state =
    choices.state === 'redis'
      ? '- `REDIS_URL`: rate-limit budgets (and, with sessions, session records and event streams) are shared by every instance through Redis.'
      : '- State stays in memory, per instance. Set `REDIS_URL` when you run more than one instance.';
  return [
    'Every setting is an environment variable, validated at start (see `.env.example` and each',
    "app's `src/config.ts`). Started on loopback, nothing needs setting; a public bind needs",
    '`ALLOWED_HOSTS` and an auth decision.',
    auth,
    state,
  ];
}

/** What the tests drive for real, by part. */
function ciNeeds(apps: readonly AppName[], choices: Choices): string[] {
  const needs: string[] = [];
  if (hasHttpApp(apps)) needs.push('redis-server', 'promtool');
  // hono-http serves the built-in authorization server, whose tests log in with a browser.
  if (apps.includes('hono-http')) needs.push('chromium');
  const composeNginx = choices.infra.includes('docker') && choices.state === 'redis';
  if (apps.includes('express-sessions') || composeNginx) needs.push('nginx');
  if (choices.infra.includes('docker')) needs.push('caddy');
  if (choices.infra.includes('k8s')) needs.push('kubectl');
  return needs;
}

function ciScript(apps: readonly AppName[], choices: Choices): string {
  const needs = ciNeeds(apps, choices);
  const debian = needs
    .filter((need) => ['nginx', 'promtool', 'caddy'].includes(need))
    .map((need) => (need === 'promtool' ? 'prometheus' : need));
  const lines = [
    '#!/usr/bin/env bash',
    "# CI entry point: runs the README's test command on a clean clone.",
    'set -euo pipefail',
    'cd "$(dirname "$0")/.."',
    'export CI=true TURBO_TELEMETRY_DISABLED=1',
    '',
    "# Node 24 LTS: the machine's when it is 24+, else fetched once from the npm registry (cached).",
    '. scripts/ensure-node.sh',
    '',
  ];
  if (needs.includes('redis-server')) {
    lines.push(
      '# Redis backs the shared-state tests; start one if none answers.',
      'if command -v redis-server >/dev/null && ! (command -v redis-cli >/dev/null && redis-cli -h 127.0.0.1 ping >/dev/null 2>&1); then',
      "  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no >/dev/null",
      'fi',
      '',
    );
  }
  if (debian.length) {
    const binaries = debian.map((pkg) => (pkg === 'prometheus' ? 'promtool' : pkg));
    lines.push(
      '# Debian packages the tests drive for real; installed when missing.',
      'missing=""',
      ...debian.map(
        (pkg, index) =>
          `command -v ${binaries[index]} >/dev/null || [ -x /usr/sbin/${binaries[index]} ] || missing="$missing ${pkg}"`,
      ),
      'if [ -n "$missing" ]; then apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing >/dev/null; fi',
      '',
    );
  }
  if (needs.includes('chromium')) {
    lines.push(
      '# Headless Chromium (with its recommended packages, fonts among them) plays the person',
      '# logging in to the authorization server (packages/authorization-server).',
      'if [ ! -x /usr/bin/chromium ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; fi',
      '',
    );
  }
  if (needs.includes('kubectl')) {
    lines.push(
      'command -v kubectl >/dev/null || { echo "kubectl is needed for the k8s tests" >&2; exit 1; }',
      '',
    );
  }
  lines.push(
    "# The README's test command, verbatim:",
    `npx --yes ${PNPM} install --frozen-lockfile && npx --yes ${PNPM} check`,
    '',
  );
  return lines.join('\n');
}

/** The scope a key needs for every tool of the chosen example (the ticket board's writes). */
function writeScope(choices: Choices): string {
  return choices.example === 'tickets' ? ' --scopes tickets:write' : '';
}
