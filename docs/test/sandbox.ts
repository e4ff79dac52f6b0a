/**
 * The terminal the documented blocks run in: a reader's, not the test runner's. No app
 * settings leak in from CI or vitest (NODE_ENV, PORT, REDIS_URL...), so every app runs on the
 * defaults the pages describe; HOME is a fresh directory, so the MCP Inspector starts with no
 * stored state.
 *
 * `npx --yes @modelcontextprotocol/inspector@2.12.0` and `npx --yes @anthropic-ai/claude-code@...`
 * are run for real, through npx. npx runs a globally installed copy of exactly that version
 * instead of downloading one, so the sandbox's npm global prefix holds links to the copies this
 * package already has installed (devDependencies, pinned to the versions the pages use;
 * commands.test.ts checks the pins). Claude Code's bin is its native binary, which its
 * postinstall put in place (pnpm-workspace.yaml lets that one script run).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';

export interface Sandbox {
  env: NodeJS.ProcessEnv;
  home: string;
  remove(): void;
}

/** Variables of the surrounding environment a reader's shell would have too: locale, and how
 * this machine reaches the npm registry (proxies, certificate authorities). */
const PASS_THROUGH = [
  'LANG',
  'LC_ALL',
  'LC_CTYPE',
  'TZ',
  'TMPDIR',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'npm_config_registry',
  'npm_config_cafile',
  'npm_config_ca',
  'npm_config_strict_ssl',
  'npm_config_proxy',
  'npm_config_https_proxy',
  'npm_config_noproxy',
];

/** The CLIs the pages run through `npx --yes <name>@<version>`. */
const GLOBAL_PACKAGES = ['@modelcontextprotocol/inspector', '@anthropic-ai/claude-code'];

function linkGlobalPackage(prefix: string, name: string): void {
  const require = createRequire(import.meta.url);
  const packageDir = dirname(require.resolve(`${name}/package.json`));
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    bin?: Record<string, string>;
  };
  // npm's global layout: <prefix>/lib/node_modules/<name> and <prefix>/bin/<bin>.
  const target = join(prefix, 'lib', 'node_modules', name);
  mkdirSync(dirname(target), { recursive: true });
  symlinkSync(packageDir, target, 'dir');
  mkdirSync(join(prefix, 'bin'), { recursive: true });
  for (const [bin, file] of Object.entries(manifest.bin ?? {})) {
    symlinkSync(join(target, file), join(prefix, 'bin', bin));
  }
}

export function createSandbox(): Sandbox {
  const home = mkdtempSync(join(tmpdir(), 'mcp-runway-docs-'));
  const npmPrefix = join(home, '.npm-global');
  for (const name of GLOBAL_PACKAGES) linkGlobalPackage(npmPrefix, name);

  const env: NodeJS.ProcessEnv = {};
  for (const name of PASS_THROUGH) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  Object.assign(env, {
    HOME: home,
    // The node running this test first, so `node` and `npx` in a block are the same version.
    PATH: [dirname(process.execPath), process.env.PATH ?? ''].join(delimiter),
    npm_config_prefix: npmPrefix,
    // The reader's npm cache and settings (registry, proxy), although HOME moved.
    npm_config_cache: process.env.npm_config_cache ?? join(homedir(), '.npm'),
    npm_config_userconfig: process.env.npm_config_userconfig ?? join(homedir(), '.npmrc'),
    npm_config_update_notifier: 'false',
  });
  return { env, home, remove: () => rmSync(home, { recursive: true, force: true }) };
}
