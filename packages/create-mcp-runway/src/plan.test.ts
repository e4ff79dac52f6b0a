import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEPLOYMENT_COMMANDS } from './deployment.js';
import { MAIN_URL } from './generated.js';
import type { Choices } from './options.js';
import { UsageError } from './options.js';
import {
  APPS,
  type AppName,
  EXAMPLES,
  INFRA,
  REPO_ONLY_PARTS,
  STATE_STORES,
  viewPart,
} from './parts.js';
import { keepChosenParts, orderApps, planProject } from './plan.js';
import { loadTemplate } from './template.js';
import { serverName, type VsCodeMcpConfig } from './vscode.js';

const template = loadTemplate();

function choose(overrides: Partial<Choices> = {}): Choices {
  return {
    ui: overrides.example !== 'minimal',
    directory: '/tmp/unused',
    name: 'my-server',
    scope: '@acme',
    apps: ['stdio'],
    example: 'tickets',
    auth: 'apikey',
    state: 'memory',
    infra: [],
    packageManager: 'pnpm',
    install: false,
    git: false,
    force: false,
    ...overrides,
  };
}

const text = (plan: ReturnType<typeof planProject>, path: string): string => {
  const content = plan.files.get(path);
  if (content === undefined) throw new Error(`no ${path}`);
  return content.toString();
};
const folders = (plan: ReturnType<typeof planProject>) =>
  [...new Set([...plan.files.keys()].map((path) => path.split('/').slice(0, 2).join('/')))]
    .filter((dir) => /^(apps|packages|infra)\//.test(dir))
    .sort();

/** Every promise a project makes about itself: nothing points at a part it does not have. */
function expectSelfContained(plan: ReturnType<typeof planProject>, scope: string): void {
  const names = new Map<string, string>();
  for (const dir of plan.packages) {
    names.set(JSON.parse(text(plan, `${dir}/package.json`)).name, dir);
  }
  for (const dir of plan.packages) {
    const manifest = JSON.parse(text(plan, `${dir}/package.json`));
    for (const group of ['dependencies', 'devDependencies']) {
      for (const [name, version] of Object.entries(manifest[group] ?? {})) {
        if (version === 'workspace:*') expect(names.has(name), `${dir} needs ${name}`).toBe(true);
      }
    }
  }
  const importPattern = new RegExp(`['"](${scope}/[a-z0-9-]+)`, 'g');
  for (const [path, content] of plan.files) {
    const body = content.toString();
    expect(body.includes('@mcp-runway/'), `${path} still names @mcp-runway`).toBe(false);
    expect(/runway:(part|end)/.test(body), `${path} keeps a part marker`).toBe(false);
    // The project carries its own name: mcp-runway only in the line that says what made it.
    const leftovers = body.split('\n').filter((line) => /mcp[-_]runway/i.test(line));
    expect(
      leftovers.filter((line) => !/scaffolded with/i.test(line)),
      `${path} still says mcp-runway`,
    ).toEqual([]);
    expect(/mcp-runway/i.test(path), `${path} is still named after mcp-runway`).toBe(false);
    expect(body.match(/.{0,40}\bworkshop\b.{0,40}/i)?.[0], `${path} speaks of the workshop`).toBe(
      undefined,
    );
    if (/\.(ts|mjs)$/.test(path)) {
      for (const [, name] of body.matchAll(importPattern)) {
        expect(names.has(name as string), `${path} imports ${name}`).toBe(true);
      }
    }
    if (path.endsWith('.md')) {
      const base = path.split('/').slice(0, -1);
      for (const [, target] of body.matchAll(/\]\((\.\.?\/[^)#\s]*)/g)) {
        const parts = [...base];
        for (const segment of (target as string).split('/')) {
          if (segment === '..') parts.pop();
          else if (segment && segment !== '.') parts.push(segment);
        }
        const resolved = parts.join('/');
        const exists = [...plan.files.keys()].some(
          (f) => f === resolved || f.startsWith(`${resolved}/`),
        );
        expect(exists, `${path} links to ${target}`).toBe(true);
      }
    }
  }
  const lock = parse(text(plan, 'pnpm-lock.yaml'));
  expect(Object.keys(lock.importers).sort()).toEqual(['.', ...plan.packages].sort());
  const workspace = text(plan, 'pnpm-workspace.yaml');
  for (const dir of plan.packages) expect(workspace).toContain(`- ${dir.split('/')[0]}/*`);
}

describe('planProject', () => {
  it('gives a stdio-only project the stdio app and only the packages it imports', () => {
    const plan = planProject(template, choose());
    expect(folders(plan)).toEqual([
      'apps/stdio',
      'packages/config',
      'packages/errors',
      'packages/example-server',
      'packages/logging',
    ]);
    // The stdio app reads only the base variables and the server's own.
    expect(text(plan, '.env.example')).toMatch(/^# LOG_LEVEL=$/m);
    expect(text(plan, '.env.example')).not.toMatch(/AUTH_MODE/);
    expect(plan.files.has('.dockerignore')).toBe(false);
    expect(JSON.parse(text(plan, 'package.json')).scripts.start).toContain('--filter @acme/stdio');
    expectSelfContained(plan, '@acme');
  });

  it("sets pnpm up as mcp-runway does (no .npmrc; the workspace file's settings), and `pnpm dev` runs the main app", () => {
    const ours = parse(
      readFileSync(new URL('../../../pnpm-workspace.yaml', import.meta.url), 'utf8'),
    );
    const settings = (yaml: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(yaml).filter(([key]) => key !== 'packages'));
    const http = planProject(template, choose({ apps: ['stdio', 'express-sessions'] }));
    expect(settings(parse(text(http, 'pnpm-workspace.yaml')))).toEqual(settings(ours));
    expect(http.files.has('.npmrc')).toBe(false);
    expect(JSON.parse(text(http, 'package.json')).scripts.dev).toBe(
      'pnpm --filter @acme/express-sessions dev',
    );
    expect(text(http, 'README.md')).toContain('`npx --yes pnpm@10.34.9 dev` serves it');
    expect(text(planProject(template, choose()), 'README.md')).not.toContain('pnpm@10.34.9 dev');
    const appDev = JSON.parse(text(http, 'apps/express-sessions/package.json')).scripts.dev;
    expect(appDev).toContain('--conditions=@acme/source');
    const exported = JSON.parse(text(http, 'packages/example-server/package.json')).exports['.'];
    expect(Object.keys(exported)[0]).toBe('@acme/source');
    // A stdio server is started by its host, not watched.
    expect(JSON.parse(text(planProject(template, choose()), 'package.json')).scripts.dev).toBe(
      undefined,
    );
  });

  it('runs its checks on Node 24 like mcp-runway, and its README says so', () => {
    const plan = planProject(template, choose());
    expect(plan.files.has('scripts/ensure-node.sh')).toBe(true);
    expect(text(plan, '.ci/run')).toMatch(/^\. scripts\/ensure-node\.sh$/m);
    expect(text(plan, 'README.md')).toContain('Both need Node.js 24 LTS');
    expect(text(plan, 'README.md')).toContain('`. scripts/ensure-node.sh`');
  });

  it("checks without mcp-runway's own stages (the scaffolder's end to end, the image builds)", () => {
    const plan = planProject(template, choose({ apps: ['hono-http'], infra: ['docker'] }));
    const { check } = JSON.parse(text(plan, 'package.json')).scripts;
    expect(check).toContain('turbo run lint typecheck build test');
    expect(check).not.toMatch(/test:e2e|test:containers/);
    const { tasks } = JSON.parse(text(plan, 'turbo.json'));
    expect(Object.keys(tasks)).not.toEqual(expect.arrayContaining(['test:containers']));
    expect(Object.keys(tasks)).not.toContain('test:e2e');
    expect([...plan.files.keys()].some((path) => path.startsWith('infra/containers/'))).toBe(false);
  });

  it('gives Lambda alone no other app: the pipeline is a package', () => {
    const plan = planProject(template, choose({ apps: ['lambda'], infra: [] }));
    expect(plan.apps).toEqual(['lambda']);
    expect(folders(plan)).not.toContain('apps/hono-http');
    expect(folders(plan)).toContain('packages/pipeline');
    expect(folders(plan)).toContain('infra/observability');
    // It runs locally (apps/lambda/src/local.ts), so the README's start command works.
    expect(JSON.parse(text(plan, 'package.json')).scripts.start).toContain('--filter @acme/lambda');
    expect(plan.files.has('.env.example')).toBe(true);
    expect(folders(plan)).not.toContain('infra/nginx');
    expectSelfContained(plan, '@acme');
  });

  it('keeps the nginx config for compose but not the session scale-out test without the session app', () => {
    const plan = planProject(
      template,
      choose({ apps: ['hono-http'], infra: ['docker'], state: 'redis' }),
    );
    expect(plan.files.has('infra/nginx/nginx.conf.template')).toBe(true);
    expect(plan.files.has('infra/nginx/test/nginx.test.ts')).toBe(true);
    expect(plan.files.has('infra/nginx/test/scale-out.test.ts')).toBe(false);
    // Nor its README's recipe and test notes, which run the session app.
    expect(text(plan, 'infra/nginx/README.md')).not.toMatch(
      /scale-out\.test\.ts|Run three instances/,
    );
    const nginx = JSON.parse(text(plan, 'infra/nginx/package.json'));
    expect(Object.keys(nginx.devDependencies ?? {})).not.toContain('@acme/express-sessions');
    expect(plan.files.has('infra/deploy/test/k8s.test.ts')).toBe(false);
    const deploy = JSON.parse(text(plan, 'infra/deploy/package.json'));
    expect(Object.keys(deploy.devDependencies)).not.toContain('kubernetes-models');
    expect(folders(plan)).not.toContain('infra/k8s');
    expectSelfContained(plan, '@acme');
  });

  it('gives Docker with state in memory the one-instance compose file and no nginx', () => {
    const plan = planProject(template, choose({ apps: ['hono-http'], infra: ['docker'] }));
    expect(plan.files.has('infra/docker/compose.single.yaml')).toBe(true);
    expect(plan.files.has('infra/deploy/test/compose-single.test.ts')).toBe(true);
    expect(plan.files.has('infra/docker/compose.yaml')).toBe(false);
    expect(plan.files.has('infra/deploy/test/compose.test.ts')).toBe(false);
    expect(folders(plan)).not.toContain('infra/nginx');
    const readme = text(plan, 'infra/docker/README.md');
    expect(readme).toContain('compose.single.yaml');
    expect(readme).not.toMatch(/compose\.yaml|nginx|Redis/);
    expect(text(plan, '.ci/run')).not.toContain('nginx');
    expectSelfContained(plan, '@acme');
  });

  it('assembles every part when everything is chosen', () => {
    const plan = planProject(
      template,
      choose({
        apps: ['stdio', 'hono-http', 'express-sessions', 'lambda'],
        infra: ['docker', 'k8s'],
        auth: 'oauth',
        state: 'redis',
      }),
    );
    expect(folders(plan)).toEqual(
      expect.arrayContaining([
        'apps/express-sessions',
        'apps/hono-http',
        'apps/lambda',
        'apps/stdio',
        'infra/caddy',
        'infra/deploy',
        'infra/docker',
        'infra/k8s',
        'infra/nginx',
        'infra/observability',
        'packages/sessions',
        'packages/testing',
      ]),
    );
    expect(
      folders(plan).some((dir) => dir.includes('conformance') || dir.includes('create-mcp')),
    ).toBe(false);
    expect(plan.files.has('infra/nginx/test/scale-out.test.ts')).toBe(true);
    expect(text(plan, 'infra/k8s/base/configmap.yaml')).toMatch(
      /AUTH_MODE: oauth\n[\s\S]*OAUTH_ISSUER/,
    );
    expect(text(plan, '.env')).toContain('REDIS_URL=redis://127.0.0.1:6379');
    expect(text(plan, 'README.md')).toContain(
      'node packages/testing/dist/cli.js http://127.0.0.1:3000/mcp',
    );
    expect(text(plan, '.ci/run')).toMatch(/nginx[\s\S]*caddy[\s\S]*kubectl/);
    expectSelfContained(plan, '@acme');
  });

  it('writes the chosen auth mode and state into .env (what start loads) and the Kubernetes config', () => {
    const open = planProject(
      template,
      choose({ apps: ['hono-http'], auth: 'none', infra: ['k8s'] }),
    );
    expect(text(open, '.env')).toMatch(/^AUTH_MODE=none$/m);
    expect(text(open, '.env')).not.toMatch(/REDIS_URL/);
    expect(open.apiKey).toBeUndefined();
    expect(text(open, 'infra/k8s/base/configmap.yaml')).toContain('ALLOW_UNAUTHENTICATED: "true"');
    expect(text(open, 'infra/k8s/base/configmap.yaml').match(/AUTH_MODE/g)).toHaveLength(1);
  });

  it('mints an API key for apikey mode: .env holds its hash, the key itself is shown once', () => {
    const plan = planProject(template, choose({ apps: ['hono-http'], auth: 'apikey' }));
    const key = plan.apiKey as string;
    expect(key).toMatch(/^mcpr_[\w-]{43}$/);
    const hash = createHash('sha256').update(key).digest('hex');
    expect(text(plan, '.env')).toMatch(new RegExp(`^API_KEYS=me:tickets:write:${hash}$`, 'm'));
    expect([...plan.files.values()].some((body) => body.toString().includes(key))).toBe(false);
    // start loads it; git never sees it.
    expect(JSON.parse(text(plan, 'apps/hono-http/package.json')).scripts.start).toContain(
      '--env-file-if-exists=../../.env',
    );
    expect(text(plan, '.gitignore')).toMatch(/^\.env$/m);
  });

  it('documents in .env.example every variable the chosen apps read', () => {
    const plan = planProject(template, choose({ apps: ['express-sessions'], infra: [] }));
    const example = text(plan, '.env.example');
    for (const name of ['HOST', 'AUTH_MODE', 'REDIS_KEY_PREFIX', 'SESSION_MAX', 'METRICS_PORT']) {
      expect(example).toMatch(new RegExp(`^# ${name}=$`, 'm'));
    }
    expect(example).not.toMatch(/^# (LANE|EMF_ENABLED)=/m);
  });

  it('refuses Docker or Kubernetes for a project without an HTTP app', () => {
    expect(() => planProject(template, choose({ infra: ['docker'] }))).toThrow(UsageError);
  });

  it('renames the scope in manifests, sources and the lockfile', () => {
    const plan = planProject(template, choose({ scope: '@team-x', apps: ['hono-http'] }));
    expect(JSON.parse(text(plan, 'apps/hono-http/package.json')).name).toBe('@team-x/hono-http');
    expect(text(plan, 'apps/hono-http/src/app.ts')).toContain("from '@team-x/pipeline'");
    expect(text(plan, 'pnpm-lock.yaml')).toContain("'@team-x/http':");
    expectSelfContained(plan, '@team-x');
  });
});

describe('--ui, the ticket board view (MCP Apps)', () => {
  const apps: AppName[] = ['stdio', 'hono-http', 'express-sessions', 'lambda'];
  const withView = planProject(template, choose({ apps }));
  const without = planProject(template, choose({ apps, ui: false }));
  const manifest = (plan: typeof withView) =>
    JSON.parse(text(plan, 'packages/example-server/package.json')) as {
      scripts: Record<string, string>;
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
  const viewFiles = (plan: typeof withView) =>
    [...plan.files.keys()].filter((path) =>
      /\/ui\/|show-board|view-host|mcp-app\.test|vite\.config/.test(path),
    );

  it('keeps the view, its tool and the code that wires them, without the markers', () => {
    expect(viewFiles(withView)).toEqual(
      expect.arrayContaining([
        'packages/example-server/ui/board.ts',
        'packages/example-server/src/ui/view.ts',
        'packages/example-server/src/tools/show-board.ts',
        'packages/example-server/vite.config.ts',
        'packages/example-server/src/testing/view-host.ts',
        'apps/hono-http/src/mcp-app.test.ts',
      ]),
    );
    expect((manifest(withView) as { exports?: Record<string, unknown> }).exports).toHaveProperty([
      './testing/view-host',
    ]);
    expect(text(withView, 'packages/example-server/src/tools/index.ts')).toMatch(
      /^ {2}showBoard,$/m,
    );
    expect(text(withView, 'packages/example-server/src/server.ts')).toContain('view.viewSettings');
    expect(manifest(withView).scripts.build).toBe('vite build && tsc -p tsconfig.build.json');
    expect(text(withView, '.env.example')).toMatch(/^# UI_CSP_CONNECT_DOMAINS=$/m);
  });

  it('without it, drops the view files, the marked lines, its dependencies and variables', () => {
    expect(viewFiles(without)).toEqual([]);
    const server = text(without, 'packages/example-server/src/server.ts');
    expect(server).not.toMatch(/view\.|BoardView|ui:/);
    expect(text(without, 'packages/example-server/src/tools/index.ts')).not.toContain('showBoard');
    expect(text(without, 'packages/example-server/src/deps.ts')).not.toContain('BoardView');
    expect(text(without, 'packages/example-server/src/testing.ts')).not.toContain('viewChecks');
    const { scripts, dependencies, devDependencies } = manifest(without);
    expect(scripts).toMatchObject({
      build: 'tsc -p tsconfig.build.json',
      typecheck: 'tsc --noEmit',
    });
    expect(scripts.screenshot).toBeUndefined();
    for (const name of ['@modelcontextprotocol/ext-apps', 'vite', 'vite-plugin-singlefile']) {
      expect({ ...dependencies, ...devDependencies }[name], name).toBeUndefined();
    }
    const lock = parse(text(without, 'pnpm-lock.yaml')) as {
      importers: Record<string, { dependencies?: object; devDependencies?: object }>;
    };
    const importer = lock.importers['packages/example-server'];
    expect(Object.keys({ ...importer?.dependencies, ...importer?.devDependencies })).not.toContain(
      '@modelcontextprotocol/ext-apps',
    );
    // The harness's export and hono-http's browser driver go with the view test.
    expect((manifest(without) as { exports?: Record<string, unknown> }).exports).not.toHaveProperty(
      ['./testing/view-host'],
    );
    const app = JSON.parse(text(without, 'apps/hono-http/package.json')) as {
      devDependencies: Record<string, string>;
    };
    expect(app.devDependencies['playwright-core']).toBeUndefined();
    expect(lock.importers['apps/hono-http']?.devDependencies).not.toHaveProperty([
      'playwright-core',
    ]);
    expect(text(without, '.env.example')).not.toMatch(/UI_/);
    expectSelfContained(without, '@acme');
  });

  it('leaves no runway markers in any code file, with or without it', () => {
    for (const plan of [withView, without]) {
      const marked = [...plan.files]
        .filter(([path]) => /\.(ts|mjs)$/.test(path))
        .filter(([, body]) => String(body).includes('runway:'))
        .map(([path]) => path);
      expect(marked).toEqual([]);
    }
  });
});

describe('--example minimal', () => {
  const plan = planProject(
    template,
    choose({ apps: ['stdio', 'hono-http', 'express-sessions', 'lambda'], example: 'minimal' }),
  );
  const serverFiles = [...plan.files.keys()]
    .filter((path) => path.startsWith('packages/example-server/'))
    .sort();

  it('makes the server package one hello tool with its test and client checks', () => {
    expect(serverFiles).toEqual([
      'packages/example-server/README.md',
      'packages/example-server/package.json',
      'packages/example-server/src/caller.ts',
      'packages/example-server/src/check.ts',
      'packages/example-server/src/deps.ts',
      'packages/example-server/src/index.ts',
      'packages/example-server/src/module.ts',
      'packages/example-server/src/server.test.ts',
      'packages/example-server/src/server.ts',
      'packages/example-server/src/testing.ts',
      'packages/example-server/src/tools/cached-json-schema.ts',
      'packages/example-server/src/tools/hello.check.ts',
      'packages/example-server/src/tools/hello.test.ts',
      'packages/example-server/src/tools/hello.ts',
      'packages/example-server/src/tools/index.ts',
      'packages/example-server/tsconfig.build.json',
      'packages/example-server/tsconfig.json',
    ]);
  });

  it('leaves nothing of the ticket board in any code, config or manifest', () => {
    const leftovers = [...plan.files]
      .filter(([path]) => /\.(ts|mjs|json|ya?ml)$/.test(path) && path !== 'pnpm-lock.yaml')
      .filter(([, body]) => /ticket|REPORT_STEP_MS|generate_report/i.test(String(body)))
      .map(([path]) => path);
    expect(leftovers).toEqual([]);
  });

  it('keeps the manifest the lockfile was made for', () => {
    const tickets = planProject(template, choose({ apps: ['stdio'], ui: false }));
    const deps = (p: typeof plan) =>
      JSON.parse(text(p, 'packages/example-server/package.json')) as Record<string, unknown>;
    expect({ ...deps(plan), description: '' }).toEqual({ ...deps(tickets), description: '' });
    expectSelfContained(plan, '@acme');
  });
});

describe('orderApps', () => {
  it('keeps the chosen apps only, in catalogue order', () => {
    expect(orderApps(['express-sessions', 'stdio'])).toEqual(['stdio', 'express-sessions']);
  });
});

describe('apps are leaves', () => {
  it('no package or app of the template depends on an app', () => {
    const manifests = [...template.files].filter((path) =>
      /^(?:apps|packages)\/[^/]+\/package\.json$/.test(path),
    );
    const read = (path: string) =>
      JSON.parse(template.read(path).toString('utf8')) as {
        name: string;
        dependencies?: Record<string, string>;
        devDependencies?: Record<string, string>;
      };
    const apps = new Set(
      manifests.filter((path) => path.startsWith('apps/')).map((path) => read(path).name),
    );
    const edges = manifests.flatMap((path) => {
      const manifest = read(path);
      const names = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies });
      return names.filter((name) => apps.has(name)).map((name) => `${path} -> ${name}`);
    });
    expect(edges).toEqual([]);
  });
});

/** Resolves a relative Markdown link target against the file it is in. */
const resolveLink = (from: string, target: string): string => {
  const parts = from.split('/').slice(0, -1);
  for (const segment of target.split('/')) {
    if (segment === '..') parts.pop();
    else if (segment && segment !== '.') parts.push(segment);
  }
  return parts.join('/');
};
const has = (plan: ReturnType<typeof planProject>, path: string) =>
  [...plan.files.keys()].some((file) => file === path || file.startsWith(`${path}/`));

/** The combinations the end-to-end test builds, and the others the plan tests assemble. */
const combinations: [string, Partial<Choices>][] = [
  ['stdio only', { apps: ['stdio'] }],
  ['the defaults', { apps: ['stdio', 'hono-http'], infra: ['docker'] }],
  ['Hono, no auth, memory, Docker', { apps: ['hono-http'], auth: 'none', infra: ['docker'] }],
  ['Hono, Docker with Redis', { apps: ['hono-http'], infra: ['docker'], state: 'redis' }],
  ['Hono and Kubernetes, no auth', { apps: ['hono-http'], auth: 'none', infra: ['k8s'] }],
  ['Lambda alone', { apps: ['lambda'] }],
  ['Workers and Vercel', { apps: ['cloudflare-workers', 'vercel'], auth: 'apikey' }],
  ['sessions alone, minimal', { apps: ['express-sessions'], example: 'minimal' }],
  [
    'everything, minimal, OAuth, Redis, Docker and Kubernetes',
    {
      apps: ['stdio', 'hono-http', 'express-sessions', 'lambda'],
      example: 'minimal',
      auth: 'oauth',
      state: 'redis',
      infra: ['docker', 'k8s'],
    },
  ],
  [
    'every app with API keys',
    { apps: ['stdio', 'hono-http', 'express-sessions', 'lambda'], auth: 'apikey' },
  ],
];

/** Where each HTTP app's default port is set, so the URL VS Code is given is the one it serves. */
const DEFAULT_PORT: Partial<Record<Exclude<AppName, 'stdio'>, [string, RegExp]>> = {
  'hono-http': ['packages/http/src/config.ts', /PORT: port\((\d+)\)/],
  'express-sessions': ['apps/express-sessions/src/config.ts', /PORT: port\((\d+)\)/],
  lambda: ['apps/lambda/src/local.ts', /process\.env\.PORT \?\? (\d+)/],
};

describe.each(combinations)('a project with %s', (_name, overrides) => {
  const choices = choose(overrides);
  const plan = planProject(template, choices);
  const http = plan.apps.filter((app) => app !== 'stdio');

  it('keeps every promise about itself, in the guides and the new files too', () => {
    expectSelfContained(plan, '@acme');
  });

  it('has the guides, linked from its README, every app README and the server package', () => {
    expect(plan.files.has('docs/guides/add-a-tool.md')).toBe(true);
    expect(plan.files.has('docs/guides/connect-a-host.md')).toBe(true);
    const readmes = [
      'README.md',
      'packages/example-server/README.md',
      ...plan.apps.map((app) => `apps/${app}/README.md`),
    ];
    for (const readme of readmes) {
      const links = [...text(plan, readme).matchAll(/\]\(([^)#\s]+)/g)].map((m) =>
        resolveLink(readme, m[1] as string),
      );
      expect(links, readme).toContain('docs/guides/add-a-tool.md');
      expect(links, readme).toContain('docs/guides/connect-a-host.md');
    }
  });

  it('keeps in the guides only what concerns its apps and example', () => {
    const guides =
      text(plan, 'docs/guides/add-a-tool.md') + text(plan, 'docs/guides/connect-a-host.md');
    const mentions = (path: string) => guides.includes(path);
    expect(mentions('apps/stdio/dist/main.js')).toBe(plan.apps.includes('stdio'));
    expect(mentions('apps/hono-http/dist/main.js')).toBe(plan.apps.includes('hono-http'));
    expect(mentions('src/tools/hello.ts')).toBe(choices.example === 'minimal');
    expect(mentions('src/store.ts')).toBe(choices.example === 'tickets');
    expect(guides).not.toMatch(/search_tickets|this repo\b|docs\/test|create-/);
    // Every path a guide's commands run, or writes, is the project's (or its build's).
    for (const [, path] of guides.matchAll(
      /(?:^|[\s"'=(/])((?:apps|packages|infra)\/[\w.@/-]*\w)/gm,
    )) {
      const source = (path as string).replace(/\/dist\/(.*)\.js$/, '/src/$1.ts');
      const written = /\/src\/tools\/get-weather(\.check|\.test)?\.ts$/.test(source);
      expect(written || has(plan, source), `a guide names ${path}`).toBe(true);
    }
  });

  it('gives VS Code a server for each chosen app, and no API key in the file', () => {
    const config = JSON.parse(text(plan, '.vscode/mcp.json')) as VsCodeMcpConfig;
    expect(Object.keys(config).sort()).toEqual(
      choices.auth === 'apikey' && http.length ? ['inputs', 'servers'] : ['servers'],
    );
    // Apps that run only on their platform (Workers, Vercel) have no local URL to list.
    const local = plan.apps.filter((app) => app === 'stdio' || MAIN_URL[app] !== undefined);
    expect(Object.keys(config.servers).sort()).toEqual(
      local.map((app) => serverName('my-server', app)).sort(),
    );
    const inputs = new Set((config.inputs ?? []).map((input) => input.id));
    for (const input of config.inputs ?? []) {
      expect(input).toEqual({
        type: 'promptString',
        id: 'my-server-api-key',
        description: expect.stringContaining('API key'),
        password: true,
      });
    }
    for (const app of plan.apps) {
      const entry = config.servers[serverName('my-server', app)];
      if (app === 'stdio') {
        expect(entry).toEqual({
          type: 'stdio',
          command: 'node',
          // biome-ignore lint/suspicious/noTemplateCurlyInString: VS Code's variable
          args: ['${workspaceFolder}/apps/stdio/dist/main.js'],
        });
        // dist/main.js is the build of src/main.ts, which the project has.
        expect(plan.files.has('apps/stdio/src/main.ts')).toBe(true);
        continue;
      }
      // Workers and Vercel run on their platforms: no local URL to give VS Code.
      if (MAIN_URL[app] === undefined) {
        expect(entry, `${app} has no local server`).toBeUndefined();
        continue;
      }
      if (entry?.type !== 'http') throw new Error(`${app}: not an http server`);
      expect(entry.url).toBe(MAIN_URL[app]);
      const [file, pattern] = DEFAULT_PORT[app] ?? ['', /$^/];
      const port = pattern.exec(text(plan, file))?.[1];
      expect(new URL(entry.url).port, `${app}'s default port (${file})`).toBe(port);
      if (choices.auth === 'apikey') {
        const id = /^Bearer \$\{input:([\w-]+)\}$/.exec(entry.headers?.Authorization ?? '')?.[1];
        expect(inputs.has(id as string), `${app} takes its key from an input`).toBe(true);
      } else expect(entry.headers).toBeUndefined();
    }
  });

  it('gives the commands of its deployment, each as the README it links says, on its own files', () => {
    const readme = text(plan, 'README.md');
    const section = /^## Deployment\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(readme)?.[1];
    if (http.length === 0) {
      expect(section).toBeUndefined();
      return;
    }
    if (section === undefined) throw new Error('no Deployment section');
    const blocks = [...section.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1] as string);
    const linked = [...section.matchAll(/\]\(([^)#\s]+)/g)].map((m) => m[1] as string);
    const readmes = linked
      .filter((link) => link.endsWith('README.md'))
      .map((link) => text(plan, link));
    for (const line of blocks.flatMap((block) => block.split('\n')).filter(Boolean)) {
      expect(
        readmes.some((linkedReadme) => linkedReadme.includes(line)),
        `"${line}" is not in a README the section links`,
      ).toBe(true);
      for (const [, path] of line.matchAll(
        /(?:^|[\s"'=(])((?:apps|packages|infra)\/[\w.@/-]*\w)/g,
      )) {
        expect(has(plan, path as string), `${line} names ${path}`).toBe(true);
      }
    }
    // Inline paths too (the dashboard, the overlays' kustomization).
    for (const [, path] of section.matchAll(/`((?:apps|packages|infra)\/[\w.@/-]*\w)`/g)) {
      expect(has(plan, path as string), `the section names ${path}`).toBe(true);
    }
    const all = blocks.join('');
    const docker = choices.infra.includes('docker');
    expect(all.includes('docker build -f infra/docker/Dockerfile')).toBe(docker);
    expect(all.includes('infra/docker/compose.yaml up')).toBe(docker && choices.state === 'redis');
    expect(all.includes('infra/docker/compose.single.yaml up')).toBe(
      docker && choices.state === 'memory',
    );
    expect(all.includes('kubectl apply -k infra/k8s/overlays/prod')).toBe(
      choices.infra.includes('k8s'),
    );
    expect(all.includes('sam deploy')).toBe(plan.apps.includes('lambda'));
    expect(all).toContain('promtool test rules infra/observability/alerts.test.yml');
    expect(section.includes('#run-three-instances-behind-it-locally')).toBe(
      plan.apps.includes('express-sessions'),
    );
  });
});

describe('deployment commands', () => {
  it('are, line for line, in the READMEs of the template they come from', () => {
    for (const [name, { readme, lines }] of Object.entries(DEPLOYMENT_COMMANDS)) {
      const source = template.read(readme).toString('utf8');
      for (const line of lines) expect(source.includes(line), `${name}: ${line}`).toBe(true);
    }
  });
});

describe('part markers', () => {
  it('keep a block for its part, or for all of several joined by +', () => {
    const page = [
      'a',
      '<!-- runway:part stdio -->',
      'b',
      '<!-- runway:end -->',
      '<!-- runway:part stdio+hono-http -->',
      'c',
      '<!-- runway:end -->',
      'd',
      '',
    ].join('\n');
    expect(keepChosenParts(page, new Set(['stdio']))).toBe('a\nb\nd\n');
    expect(keepChosenParts(page, new Set(['stdio', 'hono-http']))).toBe('a\nb\nc\nd\n');
    expect(keepChosenParts(page, new Set(['hono-http']))).toBe('a\nd\n');
  });

  it('in the template name known parts, open and close in turn, and never nest', () => {
    const known = new Set<string>([
      ...APPS,
      ...INFRA,
      ...STATE_STORES,
      ...EXAMPLES,
      ...REPO_ONLY_PARTS,
      viewPart.name,
    ]);
    const pages = [...template.files].filter((path) => path.endsWith('.md'));
    expect(pages).toContain('docs/guides/connect-a-host.md');
    for (const path of pages) {
      let open: string | undefined;
      for (const line of template.read(path).toString('utf8').split('\n')) {
        const start = /^<!-- runway:part (\S+) -->$/.exec(line)?.[1];
        if (start !== undefined) {
          expect(open, `${path}: ${start} opens inside ${open}`).toBeUndefined();
          for (const name of start.split('+'))
            expect(known.has(name), `${path}: ${name}`).toBe(true);
          open = start;
        } else if (line === '<!-- runway:end -->') {
          expect(open, `${path}: an end with no start`).toBeDefined();
          open = undefined;
        } else expect(line.includes('<!-- runway:'), `${path}: "${line}"`).toBe(false);
      }
      expect(open, `${path}: ${open} is never closed`).toBeUndefined();
    }
  });
});
