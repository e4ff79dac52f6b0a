/**
 * Turns flags into a full set of choices: asks (with @clack/prompts) for whatever the flags
 * left open, or, when nobody can answer (no TTY, CI, --yes), takes the defaults.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import * as p from '@clack/prompts';
import {
  type Choices,
  decideUi,
  defaultScope,
  defaults,
  detectPackageManager,
  type FlagChoices,
  normalizeScope,
  UsageError,
  validateName,
} from './options.js';
import { type AppName, appParts, type InfraName, infraParts } from './parts.js';

export interface Environment {
  cwd: string;
  interactive: boolean;
  userAgent: string | undefined;
}

export function canPrompt(env: NodeJS.ProcessEnv, stdinIsTTY: boolean | undefined): boolean {
  return Boolean(stdinIsTTY) && !env.CI;
}

/** Docker and Kubernetes deploy the Hono app: without it, no deployment files by default. */
export function defaultInfra(apps: readonly AppName[]): InfraName[] {
  return apps.includes('hono-http') ? defaults.infra : [];
}

/**
 * Where the project goes when the user just presses enter: under the current folder, except
 * inside a checkout of this template (running the CLI from a clone), where it goes beside it.
 */
export function defaultFolder(cwd: string, name = 'my-mcp-server'): string {
  for (let dir = cwd; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'packages', 'create-mcp-runway', 'package.json'))) {
      return join(dirname(dir), name);
    }
    if (dirname(dir) === dir) return join(cwd, name);
  }
}

/** No questions: flags, then defaults. A folder must be given. */
export function decideWithoutPrompts(flags: FlagChoices, env: Environment): Choices {
  if (flags.directory === undefined) {
    throw new UsageError('no project folder given (e.g. create-mcp-runway my-server)');
  }
  const name = flags.name ?? basename(flags.directory);
  const apps = flags.apps ?? defaults.apps;
  return {
    directory: flags.directory,
    name,
    scope: flags.scope ?? defaultScope(name),
    apps,
    example: flags.example ?? defaults.example,
    ui: decideUi(flags.example ?? defaults.example, flags.ui),
    auth: flags.auth ?? defaults.auth,
    state: flags.state ?? defaults.state,
    infra: flags.infra ?? defaultInfra(apps),
    packageManager: flags.packageManager ?? detectPackageManager(env.userAgent),
    install: flags.install ?? defaults.install,
    git: flags.git ?? defaults.git,
    force: flags.force ?? false,
  };
}

/** Ctrl-C at a prompt: say so and leave without writing anything. */
function answered<T>(value: T): Exclude<T, symbol> {
  if (p.isCancel(value) || typeof value === 'symbol') {
    p.cancel('Nothing was written.');
    process.exit(130);
  }
  return value as Exclude<T, symbol>;
}

export async function decide(flags: FlagChoices, env: Environment): Promise<Choices> {
  if (flags.yes || !env.interactive) return decideWithoutPrompts(flags, env);
  const suggested = relative(env.cwd, defaultFolder(env.cwd)) || '.';
  const folder =
    flags.directory ??
    resolve(
      env.cwd,
      answered(
        await p.text({
          message: 'Project folder',
          placeholder: suggested,
          defaultValue: suggested,
          validate: (value) => (value ? validateName(basename(value)) : undefined),
        }),
      ),
    );
  const name = flags.name ?? basename(folder);
  const scope =
    flags.scope ??
    normalizeScope(
      answered(
        await p.text({
          message: 'Package scope for the shared packages',
          initialValue: defaultScope(name),
          validate: (value) => {
            try {
              normalizeScope(value ?? '');
              return undefined;
            } catch (error) {
              return (error as Error).message;
            }
          },
        }),
      ),
    );
  const apps =
    flags.apps ??
    answered(
      await p.multiselect<AppName>({
        message: 'Which apps?',
        options: Object.values(appParts).map((part) => ({
          value: part.name,
          label: part.title,
          hint: part.hint,
        })),
        initialValues: defaults.apps,
        required: true,
      }),
    );
  const example =
    flags.example ??
    answered(
      await p.select({
        message: 'Which MCP server to start from?',
        options: [
          {
            value: 'tickets' as const,
            label: 'Ticket board',
            hint: 'the worked example: tools, resources, prompts, progress',
          },
          { value: 'minimal' as const, label: 'Minimal', hint: 'one hello tool, to replace' },
        ],
        initialValue: defaults.example,
      }),
    );
  const ui =
    example === 'tickets' && flags.ui === undefined
      ? answered(
          await p.confirm({
            message: 'Include the interactive board view (MCP Apps: Claude, ChatGPT, VS Code)?',
            initialValue: true,
          }),
        )
      : decideUi(example, flags.ui);
  const http = apps.some((app) => app !== 'stdio');
  const auth =
    flags.auth ??
    (http
      ? answered(
          await p.select({
            message: 'Authentication',
            options: [
              { value: 'apikey' as const, label: 'API keys', hint: 'service to service' },
              { value: 'oauth' as const, label: 'OAuth 2.1', hint: 'resource server for your IdP' },
              { value: 'none' as const, label: 'None', hint: 'loopback or a trusted network only' },
            ],
            initialValue: defaults.auth,
          }),
        )
      : defaults.auth);
  const state =
    flags.state ??
    (http
      ? answered(
          await p.select({
            message: 'Shared state',
            options: [
              {
                value: 'memory' as const,
                label: 'In memory',
                hint: 'one instance, nothing to run',
              },
              {
                value: 'redis' as const,
                label: 'Redis',
                hint: 'several instances share limits and sessions',
              },
            ],
            initialValue: defaults.state,
          }),
        )
      : defaults.state);
  const infra =
    flags.infra ??
    (apps.includes('hono-http')
      ? answered(
          await p.multiselect<InfraName>({
            message: 'Deployment files',
            options: Object.values(infraParts).map((part) => ({
              value: part.name,
              label: part.title,
            })),
            initialValues: defaults.infra,
            required: false,
          }),
        )
      : []);
  const install =
    flags.install ??
    answered(await p.confirm({ message: 'Install dependencies now?', initialValue: true }));
  return {
    directory: folder,
    name,
    scope,
    apps,
    example,
    ui,
    auth,
    state,
    infra,
    packageManager: flags.packageManager ?? detectPackageManager(env.userAgent),
    install,
    git: flags.git ?? defaults.git,
    force: flags.force ?? false,
  };
}
