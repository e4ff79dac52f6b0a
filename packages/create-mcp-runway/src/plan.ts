/**
 * Decides every file of a new project from the choices: which folders come along, which
 * workspace packages they need (followed through package.json, so nothing dangles), and how
 * the shared files change (scope, root scripts, lockfile, docs links). Pure: writes nothing.
 */

import { CONFIGURATION_REFERENCE } from './env.js';
import { generatedFiles, mainApp } from './generated.js';
import { pruneLockfile } from './lockfile.js';
import type { Choices } from './options.js';
import { productName, UsageError } from './options.js';
import {
  type AppName,
  appParts,
  GUIDES_DIR,
  infraParts,
  minimalExample,
  ownedDevDependencies,
  ownedFiles,
  rootFiles,
  SERVER_PACKAGE_DIR,
  viewPart,
} from './parts.js';
import type { Template } from './template.js';
import { VSCODE_MCP_JSON, vscodeMcpJson } from './vscode.js';

export interface Plan {
  /** The apps the project gets, in catalogue order. Apps are leaves: none needs another. */
  apps: AppName[];
  /** With `--auth apikey`: the key whose hash `.env` holds, to show once and never store. */
  apiKey?: string;
  /** Workspace package folders, in the order they were found. */
  packages: string[];
  files: Map<string, string | Buffer>;
}

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  [key: string]: unknown;
}

const TEMPLATE_SCOPE = '@mcp-runway/';
/** The template's own name, wherever it names the product: bins, server and logger names,
 * Redis key prefixes, the tracing service, image, compose and Kubernetes names, file names. */
const TEMPLATE_NAME = /(?<!create-)mcp-runway/g;
/** The same name in identifiers: `MCP_RUNWAY_API_KEY` in the guides, shell functions. */
const TEMPLATE_IDENTIFIER = /\b(MCP_RUNWAY|mcp_runway)_/g;

/** The chosen apps in catalogue order. */
export function orderApps(chosen: readonly AppName[]): AppName[] {
  return (Object.keys(appParts) as AppName[]).filter((app) => chosen.includes(app));
}

/**
 * The template with the server package swapped for the chosen example: `minimal` keeps the
 * package's generic files and takes everything else from `_examples/minimal/`.
 */
export function withExample(template: Template, example: Choices['example']): Template {
  const overlay = `${minimalExample.templateDir}/`;
  const own = `${SERVER_PACKAGE_DIR}/`;
  const files = new Map<string, string>();
  for (const path of template.files) {
    if (path.startsWith(overlay)) {
      if (example === 'minimal') files.set(`${own}${path.slice(overlay.length)}`, path);
    } else if (example === 'minimal' && path.startsWith(own)) {
      const rest = path.slice(own.length);
      if ((minimalExample.keeps as readonly string[]).includes(rest)) files.set(path, path);
    } else files.set(path, path);
  }
  return {
    files: new Set(files.keys()),
    read: (path) => template.read(files.get(path) ?? path),
  };
}

function manifests(template: Template): Map<string, Manifest> {
  const byDir = new Map<string, Manifest>();
  for (const path of template.files) {
    const match = /^((?:packages|apps|infra)\/[^/]+)\/package\.json$/.exec(path);
    if (match?.[1]) byDir.set(match[1], JSON.parse(template.read(path).toString('utf8')));
  }
  return byDir;
}

export function planProject(source: Template, choices: Choices): Plan {
  const template = withExample(source, choices.example);
  const apps = orderApps(choices.apps);
  if (choices.infra.length > 0 && !apps.includes('hono-http')) {
    throw new UsageError(
      'Docker and Kubernetes deploy the hono-http app (the image builds APP=hono-http): add hono-http to --apps, or pass --infra none',
    );
  }
  const parts = new Set<string>([...apps, ...choices.infra, choices.state, choices.example]);
  if (choices.ui) parts.add(viewPart.name);
  const dirs = new Set<string>();
  for (const app of apps)
    for (const dir of [`apps/${app}`, ...appParts[app].extraDirs]) dirs.add(dir);
  for (const name of choices.infra) for (const dir of infraParts[name].dirs) dirs.add(dir);
  // The Redis compose file puts nginx in front of its three instances.
  if (choices.infra.includes('docker') && choices.state === 'redis') dirs.add('infra/nginx');

  // Follow workspace dependencies: shared packages come along; a dev dependency on an app that
  // was not chosen (a test that drives it) goes, with the files that use it (ownedFiles).
  const all = manifests(template);
  const dirOf = new Map([...all].map(([dir, manifest]) => [manifest.name, dir]));
  const removed = new Map<string, Set<string>>();
  const remove = (dir: string, name: string) =>
    removed.set(dir, (removed.get(dir) ?? new Set()).add(name));
  const queue = [...dirs].filter((dir) => all.has(dir));
  for (let dir = queue.shift(); dir !== undefined; dir = queue.shift()) {
    const manifest = all.get(dir) as Manifest;
    for (const group of ['dependencies', 'devDependencies'] as const) {
      for (const name of Object.keys(manifest[group] ?? {})) {
        const target = dirOf.get(name);
        if (target === undefined || dirs.has(target)) continue;
        if (target.startsWith('packages/')) {
          dirs.add(target);
          queue.push(target);
        } else if (group === 'devDependencies') remove(dir, name);
        else throw new Error(`${dir} depends on ${name}, which the project does not have`);
      }
    }
  }
  if (!choices.ui) for (const name of viewPart.dependencies) remove(SERVER_PACKAGE_DIR, name);
  for (const [part, byDir] of Object.entries(ownedDevDependencies)) {
    if (parts.has(part)) continue;
    for (const [dir, names] of Object.entries(byDir)) for (const name of names) remove(dir, name);
  }

  const dropped = new Set(
    Object.entries(ownedFiles)
      .filter(([part]) => !parts.has(part))
      .flatMap(([, files]) => files),
  );
  if (!choices.infra.includes('docker')) dropped.add('.dockerignore');
  const inDirs = (path: string) => [...dirs, GUIDES_DIR].some((dir) => path.startsWith(`${dir}/`));
  const isView = (path: string) =>
    viewPart.paths.some((owned) => (owned.endsWith('/') ? path.startsWith(owned) : path === owned));
  const paths = [...template.files]
    .filter((path) => (rootFiles as readonly string[]).includes(path) || inDirs(path))
    .filter((path) => !dropped.has(path))
    .filter((path) => choices.ui || !isView(path))
    .sort();

  const packages = [...dirs].filter((dir) => all.has(dir)).sort();
  const files = new Map<string, string | Buffer>();
  const rename = (name: string) => name.replace(TEMPLATE_SCOPE, `${choices.scope}/`);
  const named = packages.map((dir) => ({ dir, name: rename((all.get(dir) as Manifest).name) }));
  const fullReference = template.read(CONFIGURATION_REFERENCE).toString('utf8');
  const reference = choices.ui
    ? fullReference
    : fullReference.replace(new RegExp(`^\\| \`${viewPart.variablePrefix}.*\\n`, 'gm'), '');
  const { files: generated, apiKey } = generatedFiles(choices, apps, named, reference);
  generated.set(VSCODE_MCP_JSON, vscodeMcpJson(choices, apps));
  const outputPaths = new Set([...paths, ...generated.keys()]);

  const product = productName(choices);
  const identifier = product.toLowerCase().replace(/[^a-z0-9]+/g, '_');
  const own = (text: string) =>
    text
      .replaceAll(TEMPLATE_SCOPE, `${choices.scope}/`)
      .replace(TEMPLATE_NAME, product)
      .replace(TEMPLATE_IDENTIFIER, (_, name: string) =>
        name === 'MCP_RUNWAY' ? `${identifier.toUpperCase()}_` : `${identifier}_`,
      );
  for (const path of paths) {
    const raw = template.read(path);
    const target = own(path);
    if (raw.includes(0)) {
      files.set(target, raw);
      continue;
    }
    let text = raw.toString('utf8');
    const dir = path.replace(/\/package\.json$/, '');
    if (path === 'package.json') text = rootManifest(text, choices, apps);
    else if (path === 'turbo.json') text = turboConfig(text);
    else if (all.has(dir) && path.endsWith('/package.json')) {
      text = trimManifest(text, removed.get(dir));
      if (dir === SERVER_PACKAGE_DIR && !choices.ui) text = withoutViewScripts(text);
    } else if (/\.(ts|mjs)$/.test(path)) text = keepChosenCode(text, parts);
    else if (path === 'pnpm-lock.yaml') {
      text = pruneLockfile(text, { importers: new Set(['.', ...packages]), removed, rename });
    } else if (path.endsWith('.md')) {
      const kept = keepChosenParts(text, parts);
      // A dropped block leaves its blank lines behind: one blank line is enough.
      text = unlinkMissing(
        kept === text ? text : kept.replace(/\n{3,}/g, '\n\n'),
        path,
        outputPaths,
      );
    } else if (path === 'infra/k8s/base/configmap.yaml') text = withAuthSettings(text, choices);
    files.set(target, own(text));
  }
  for (const [path, text] of generated) files.set(path, own(text));
  return apiKey === undefined ? { apps, packages, files } : { apps, packages, files, apiKey };
}

function trimManifest(text: string, names: ReadonlySet<string> | undefined): string {
  if (!names?.size) return text;
  const manifest = JSON.parse(text) as Manifest;
  for (const group of ['dependencies', 'devDependencies'] as const) {
    for (const name of names) delete manifest[group]?.[name];
  }
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

function withoutViewScripts(text: string): string {
  const manifest = JSON.parse(text) as Manifest & {
    scripts: Record<string, string>;
    exports?: Record<string, unknown>;
  };
  Object.assign(manifest.scripts, viewPart.scripts);
  for (const name of viewPart.dropScripts) delete manifest.scripts[name];
  for (const name of viewPart.dropExports) delete manifest.exports?.[name];
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/**
 * Code lines marked for a part stay only when it was chosen; the markers always go. A line that
 * ends in `// runway:part NAME` is that line alone; `// runway:part NAME` … `// runway:end`, each
 * on a line of its own, marks the lines between.
 */
export function keepChosenCode(text: string, parts: ReadonlySet<string>): string {
  const chosen = (names: string) => names.split('+').every((name) => parts.has(name));
  return text
    .replace(
      /^[ \t]*\/\/ runway:part ([a-z0-9+-]+)\n([\s\S]*?)^[ \t]*\/\/ runway:end\n/gm,
      (_, names: string, body: string) => (chosen(names) ? body : ''),
    )
    .replace(/^(.*?) \/\/ runway:part ([a-z0-9+-]+)\n/gm, (_, line: string, names: string) =>
      chosen(names) ? `${line}\n` : '',
    );
}

function rootManifest(text: string, choices: Choices, apps: readonly AppName[]): string {
  const manifest = JSON.parse(text) as Manifest & { scripts: Record<string, string> };
  const main = `${TEMPLATE_SCOPE}${mainApp(apps)}`;
  manifest.name = choices.name;
  manifest.version = '0.1.0';
  manifest.description = `An MCP server, scaffolded with create-mcp-runway.`;
  // mcp-runway's own check also scaffolds projects end to end and builds and runs its images
  // (infra/containers); a project has neither the scaffolder nor that stage.
  manifest.scripts.check = (manifest.scripts.check ?? '')
    .replace(' && turbo run test:e2e', '')
    .replace(' && turbo run test:containers', '');
  manifest.scripts.start = `turbo run build --filter=${main}... --output-logs=errors-only && pnpm --filter ${main} start`;
  // `pnpm dev` watches the main app from source; a stdio server is the host's to start.
  if (mainApp(apps) === 'stdio') delete manifest.scripts.dev;
  else manifest.scripts.dev = `pnpm --filter ${main} dev`;
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

function turboConfig(text: string): string {
  const config = JSON.parse(text) as { tasks: Record<string, { inputs?: string[] }> };
  delete config.tasks['test:e2e'];
  delete config.tasks['test:containers'];
  const test = config.tasks.test;
  if (test?.inputs) test.inputs = test.inputs.filter((input) => !input.includes('/docs/'));
  return `${JSON.stringify(config, null, 2)}\n`;
}

/**
 * Markdown lines marked for a part stay only when it was chosen; the markers always go.
 * `<!-- runway:part NAME -->` … `<!-- runway:end -->`, each on a line of its own; NAME is a part
 * (an app, infra, state or example), or several joined by `+` (all of them needed).
 */
export function keepChosenParts(text: string, parts: ReadonlySet<string>): string {
  return text.replace(
    /<!-- runway:part ([a-z0-9+-]+) -->\n([\s\S]*?)<!-- runway:end -->\n/g,
    (_, names: string, body: string) =>
      names.split('+').every((name) => parts.has(name)) ? body : '',
  );
}

/** Links to files the project does not have become plain text (their folder was not chosen). */
function unlinkMissing(text: string, path: string, files: ReadonlySet<string>): string {
  const base = path.split('/').slice(0, -1);
  return text.replace(/\[([^\]]+)\]\(((?:\.\.?\/)[^)#\s]*)(#[^)]*)?\)/g, (link, label, target) => {
    const parts = [...base];
    for (const segment of (target as string).split('/')) {
      if (segment === '..') parts.pop();
      else if (segment !== '.' && segment !== '') parts.push(segment);
    }
    const resolved = parts.join('/');
    const exists =
      files.has(resolved) || [...files].some((file) => file.startsWith(`${resolved}/`));
    return exists ? link : (label as string);
  });
}

/** The chosen auth mode becomes the deployment's default, next to the other settings. */
function withAuthSettings(text: string, choices: Choices): string {
  const lines: Record<typeof choices.auth, string[]> = {
    none: [
      '  # No authentication: anyone who reaches the Ingress can call every tool.',
      '  AUTH_MODE: none',
      '  ALLOW_UNAUTHENTICATED: "true"',
    ],
    apikey: [
      '  # API keys: put API_KEYS (principal:scopes:sha256hex entries) in the Secret.',
      '  AUTH_MODE: apikey',
    ],
    oauth: [
      '  # OAuth 2.1 resource server: tokens from this issuer, for this resource, are accepted.',
      '  AUTH_MODE: oauth',
      '  OAUTH_ISSUER: https://idp.example.com/',
      '  RESOURCE_URI: https://mcp.example.com/mcp',
    ],
  };
  const without = text.replace(/^ {2}# Who may call:.*\n {2}AUTH_MODE: .*\n/m, '');
  return `${without.trimEnd()}\n${lines[choices.auth].join('\n')}\n`;
}
