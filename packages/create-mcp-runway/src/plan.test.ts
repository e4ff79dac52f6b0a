import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Choices } from './options.js';
import { UsageError } from './options.js';
import { orderApps, planProject } from './plan.js';
import { loadTemplate } from './template.js';

const template = loadTemplate();

function choose(overrides: Partial<Choices> = {}): Choices {
  return {
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
    expect(body.includes('runway:part'), `${path} keeps a part marker`).toBe(false);
    // The project carries its own name: mcp-runway only in the line that says what made it.
    const leftovers = body.split('\n').filter((line) => /mcp-runway/i.test(line));
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
    const tickets = planProject(template, choose({ apps: ['stdio'] }));
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
