/**
 * What a user can choose, as flags. Everything a prompt asks has a flag, so a script or CI can
 * scaffold without a terminal; prompts only fill in what the flags left open.
 */
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  APPS,
  type AppName,
  AUTH_MODES,
  type AuthMode,
  EXAMPLES,
  type ExampleName,
  INFRA,
  type InfraName,
  STATE_STORES,
  type StateStore,
} from './parts.js';

export const PACKAGE_MANAGERS = ['pnpm', 'npm', 'yarn', 'bun'] as const;
export type PackageManager = (typeof PACKAGE_MANAGERS)[number];

/** A fully decided scaffold. */
export interface Choices {
  /** Absolute path of the new project's folder. */
  directory: string;
  /** The root package name (the folder's name by default). */
  name: string;
  /** The package scope, with its @ (e.g. `@acme`). Replaces `@mcp-runway`. */
  scope: string;
  apps: AppName[];
  /** The MCP server the apps mount: the ticket board, or one `hello` tool. */
  example: ExampleName;
  /** The ticket board's interactive view (MCP Apps): `show_board` and its `ui://` resource. */
  ui: boolean;
  auth: AuthMode;
  state: StateStore;
  infra: InfraName[];
  packageManager: PackageManager;
  install: boolean;
  git: boolean;
  /** Write into a folder that is not empty. */
  force: boolean;
}

/** What the flags said; undefined means "ask, or use the default". */
export type Undecided<T> = { [K in keyof T]?: T[K] | undefined };
export type FlagChoices = Undecided<Choices> & { yes: boolean; help: boolean; version: boolean };

export const defaults = {
  apps: ['stdio', 'hono-http'] as AppName[],
  example: 'tickets' as ExampleName,
  auth: 'apikey' as AuthMode,
  state: 'memory' as StateStore,
  infra: ['docker'] as InfraName[],
  install: true,
  git: true,
};

export class UsageError extends Error {
  override name = 'UsageError';
}

/** `--ui` is the ticket board's view: on by default with it, refused with the minimal example. */
export function decideUi(example: ExampleName, flag: boolean | undefined): boolean {
  if (example === 'minimal' && flag === true) {
    throw new UsageError(
      '--ui: the view belongs to the ticket board; drop --ui or --example minimal',
    );
  }
  return flag ?? example === 'tickets';
}

const NAME = /^(?:@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;
const SCOPE = /^@[a-z0-9][a-z0-9._-]*$/;

function list<T extends string>(flag: string, value: string, allowed: readonly T[]): T[] {
  if (value === 'none') return [];
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  for (const item of items) {
    if (!allowed.includes(item as T)) {
      throw new UsageError(
        `--${flag}: unknown value "${item}" (choose from ${allowed.join(', ')})`,
      );
    }
  }
  return [...new Set(items)] as T[];
}

function one<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw new UsageError(`--${flag}: unknown value "${value}" (choose from ${allowed.join(', ')})`);
  }
  return value as T;
}

export function validateName(name: string): string | undefined {
  return NAME.test(name)
    ? undefined
    : 'use lowercase letters, digits, "-", "." or "_" (an npm package name)';
}

export function normalizeScope(scope: string): string {
  const withAt = scope.startsWith('@') ? scope : `@${scope}`;
  if (!SCOPE.test(withAt)) {
    throw new UsageError(`--scope: "${scope}" is not an npm scope (lowercase, e.g. @acme)`);
  }
  return withAt;
}

/** The project's name as it replaces the template's (bins, key prefixes...): no scope. */
export function productName(choices: Pick<Choices, 'name'>): string {
  return choices.name.replace(/^@[^/]+\//, '');
}

/** The scope a project gets when none is given: its own name. */
export function defaultScope(name: string): string {
  return `@${name.replace(/^@[^/]+\//, '')}`;
}

/** `npm_config_user_agent` is set by every package manager's `create`/`exec` ("pnpm/10.34.9 npm/? node/v20…"). */
export function detectPackageManager(userAgent: string | undefined): PackageManager {
  const first = userAgent?.split(' ')[0]?.split('/')[0];
  return PACKAGE_MANAGERS.find((pm) => pm === first) ?? 'npm';
}

export function parseFlags(argv: string[], cwd: string): FlagChoices {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      scope: { type: 'string' },
      apps: { type: 'string' },
      example: { type: 'string' },
      ui: { type: 'boolean' },
      'no-ui': { type: 'boolean' },
      auth: { type: 'string' },
      state: { type: 'string' },
      infra: { type: 'string' },
      pm: { type: 'string' },
      install: { type: 'boolean' },
      'no-install': { type: 'boolean' },
      git: { type: 'boolean' },
      'no-git': { type: 'boolean' },
      force: { type: 'boolean' },
      yes: { type: 'boolean', short: 'y' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
  if (positionals.length > 1) throw new UsageError('give one project folder');
  const folder = positionals[0];
  const directory = folder === undefined ? undefined : resolve(cwd, folder);
  const name = values.name ?? (directory === undefined ? undefined : basename(directory));
  if (name !== undefined) {
    const problem = validateName(name);
    if (problem) throw new UsageError(`project name "${name}": ${problem} (or pass --name)`);
  }
  const apps = values.apps === undefined ? undefined : list('apps', values.apps, APPS);
  if (apps?.length === 0) throw new UsageError('--apps: choose at least one app');
  return {
    directory,
    name,
    scope: values.scope === undefined ? undefined : normalizeScope(values.scope),
    apps,
    example: values.example === undefined ? undefined : one('example', values.example, EXAMPLES),
    ui: values['no-ui'] ? false : values.ui,
    auth: values.auth === undefined ? undefined : one('auth', values.auth, AUTH_MODES),
    state: values.state === undefined ? undefined : one('state', values.state, STATE_STORES),
    infra: values.infra === undefined ? undefined : list('infra', values.infra, INFRA),
    packageManager: values.pm === undefined ? undefined : one('pm', values.pm, PACKAGE_MANAGERS),
    install: values['no-install'] ? false : values.install,
    git: values['no-git'] ? false : values.git,
    force: values.force,
    yes: values.yes ?? false,
    help: values.help ?? false,
    version: values.version ?? false,
  };
}

export const usage = `Usage: create-mcp-runway [folder] [options]

Scaffolds an MCP server monorepo (pnpm workspace) from mcp-runway's tested parts.

Options (every prompt has one; --yes takes the defaults for the rest):
  --name <name>          root package name            (default: the folder's name)
  --scope <@scope>       package scope for the shared packages (default: @<name>)
  --apps <list>          ${APPS.join(', ')}  (default: ${defaults.apps.join(',')})
  --example <name>       ${EXAMPLES.join(' | ')}  (default: ${defaults.example}; minimal is one hello tool)
  --ui, --no-ui          the ticket board's interactive view (MCP Apps) (default: on; off with minimal)
  --auth <mode>          ${AUTH_MODES.join(' | ')}       (default: ${defaults.auth})
  --state <store>        ${STATE_STORES.join(' | ')}           (default: ${defaults.state})
  --infra <list>         ${INFRA.join(', ')} or none            (default: ${defaults.infra.join(',')} with hono-http, else none)
  --pm <name>            ${PACKAGE_MANAGERS.join(' | ')}  (default: the one running this command)
  --no-install           do not install dependencies
  --no-git               do not run git init
  --force                write into a folder that is not empty
  -y, --yes              do not ask; use defaults for anything not given
  -h, --help             this text
  -v, --version          the version

Prompts are skipped when stdin is not a terminal or CI is set.
`;
