/**
 * The Deployment section of a project's README: the commands of the infra it has, each one
 * exactly as the README of its folder gives it (the plan test holds them to that), and a link
 * to that README for the rest. Written with the template's names; the plan renames them.
 */
import type { Choices } from './options.js';
import type { AppName } from './parts.js';

const sh = (...commands: string[]) => ['```sh', ...commands, '```'];

/** Each command block, by the README it is copied from. */
export const DEPLOYMENT_COMMANDS = {
  dockerBuild: {
    readme: 'infra/docker/README.md',
    lines: [
      'docker build -f infra/docker/Dockerfile --build-arg APP=hono-http -t mcp-runway-hono-http .',
    ],
  },
  composeRedis: {
    readme: 'infra/docker/README.md',
    lines: ['docker compose -f infra/docker/compose.yaml up --build'],
  },
  composeSingle: {
    readme: 'infra/docker/README.md',
    lines: ['docker compose -f infra/docker/compose.single.yaml up --build'],
  },
  k8s: {
    readme: 'infra/k8s/README.md',
    lines: [
      'kubectl kustomize infra/k8s/overlays/prod          # render',
      'kubectl apply -k infra/k8s/overlays/prod           # apply',
      'kubectl -n mcp-runway create secret generic mcp-runway-secrets \\',
      '  --from-literal=API_KEYS=... --from-literal=REDIS_URL=...   # out of band',
    ],
  },
  lambda: {
    readme: 'apps/lambda/README.md',
    lines: [
      'npx --yes pnpm@10.34.9 turbo run build --filter=@mcp-runway/lambda...',
      'npx --yes pnpm@10.34.9 --filter @mcp-runway/lambda bundle',
      'cd apps/lambda && sam deploy --guided     # AllowedHosts, AuthMode, ApiKeys, RedisUrl...',
    ],
  },
  cloudflareWorkers: {
    readme: 'apps/cloudflare-workers/README.md',
    lines: [
      'npx --yes pnpm@10.34.9 --filter @mcp-runway/cloudflare-workers bundle   # wrangler deploy --dry-run --outdir dist/worker',
      'cd apps/cloudflare-workers && npx --yes wrangler@4.164.0 secret put API_KEYS && npx --yes wrangler@4.164.0 deploy',
    ],
  },
  vercel: {
    readme: 'apps/vercel/README.md',
    lines: ['cd apps/vercel && vercel link && vercel env add API_KEYS && vercel deploy --prod'],
  },
  observability: {
    readme: 'infra/observability/README.md',
    lines: [
      'promtool check config infra/observability/prometheus.yml',
      'promtool test rules infra/observability/alerts.test.yml',
      'prometheus --config.file=infra/observability/prometheus.yml --storage.tsdb.path=/tmp/prometheus \\',
      '  --web.listen-address=127.0.0.1:9090',
    ],
  },
} as const;
export type DeploymentBlock = keyof typeof DEPLOYMENT_COMMANDS;

/** The blocks a project's Deployment section shows, in order. */
export function deploymentBlocks(choices: Choices, apps: readonly AppName[]): DeploymentBlock[] {
  const blocks: DeploymentBlock[] = [];
  if (choices.infra.includes('docker')) {
    blocks.push('dockerBuild', choices.state === 'redis' ? 'composeRedis' : 'composeSingle');
  }
  if (choices.infra.includes('k8s')) blocks.push('k8s');
  if (apps.includes('lambda')) blocks.push('lambda');
  if (apps.includes('cloudflare-workers')) blocks.push('cloudflareWorkers');
  if (apps.includes('vercel')) blocks.push('vercel');
  if (apps.some((app) => app !== 'stdio')) blocks.push('observability');
  return blocks;
}

const block = (name: DeploymentBlock) => sh(...DEPLOYMENT_COMMANDS[name].lines);

/** The section's lines; none for a project with nothing to deploy (stdio only). */
export function deploymentSection(choices: Choices, apps: readonly AppName[]): string[] {
  const blocks = deploymentBlocks(choices, apps);
  if (blocks.length === 0) return [];
  const lines = ['## Deployment'];
  if (blocks.includes('dockerBuild')) {
    lines.push(
      '### Docker ([infra/docker](infra/docker/README.md))',
      'Build the image of the HTTP app, from the project root:',
      ...block('dockerBuild'),
    );
    if (blocks.includes('composeRedis')) {
      lines.push(
        'Run three instances behind nginx ([infra/nginx](infra/nginx/README.md)), sharing Redis, then',
        'use `http://localhost:8080/mcp` (auth is off in this local demo: set `AUTH_MODE` before exposing it):',
        ...block('composeRedis'),
      );
    } else {
      lines.push(
        'Run one instance, state in memory, then use `http://localhost:3000/mcp` (auth is off in this',
        'local demo):',
        ...block('composeSingle'),
      );
    }
    lines.push(
      'In front of the instances, Caddy terminates TLS for your public name and passes event',
      'streams through unbuffered: [infra/caddy/Caddyfile](infra/caddy/Caddyfile).',
      '',
    );
  }
  if (blocks.includes('k8s')) {
    lines.push(
      '### Kubernetes ([infra/k8s](infra/k8s/README.md))',
      'Push the image to a registry your cluster pulls from and name it (and pin its tag) under',
      '`images:` in `infra/k8s/overlays/prod/kustomization.yaml` (and `dev`). Then render, apply,',
      'and create the Secret the Deployment reads:',
      ...block('k8s'),
      'Auth settings are in `infra/k8s/base/configmap.yaml`; secrets never go in git.',
      '',
    );
  }
  if (blocks.includes('lambda')) {
    lines.push(
      '### AWS Lambda ([apps/lambda](apps/lambda/README.md#deploy-aws-sam))',
      'Build, bundle into one file, and deploy with the SAM CLI (`apps/lambda/template.yaml`):',
      ...block('lambda'),
      '',
    );
  }
  if (blocks.includes('cloudflareWorkers')) {
    lines.push(
      '### Cloudflare Workers ([apps/cloudflare-workers](apps/cloudflare-workers/README.md#bundle-and-deploy))',
      'Bundle offline (no account needed), then set the secrets and deploy with wrangler:',
      ...block('cloudflareWorkers'),
      '',
    );
  }
  if (blocks.includes('vercel')) {
    lines.push(
      '### Vercel ([apps/vercel](apps/vercel/README.md#deploy))',
      'With the Vercel CLI, Root Directory `apps/vercel`, and `REDIS_URL` set on the project:',
      ...block('vercel'),
      '',
    );
  }
  if (apps.includes('express-sessions')) {
    lines.push(
      '### Several session instances behind nginx',
      'Three instances of `apps/express-sessions` sharing one Redis, nginx in front, on this',
      'machine: [infra/nginx](infra/nginx/README.md#run-three-instances-behind-it-locally).',
      '',
    );
  }
  if (blocks.includes('observability')) {
    lines.push(
      '### Metrics and alerts ([infra/observability](infra/observability/README.md))',
      'Check the scrape config, unit-test the alert rules, and run Prometheus against an app on',
      'this machine:',
      ...block('observability'),
      'Grafana: import `infra/observability/grafana/mcp-runway.json` (data source, job and',
      'instance are variables).',
      '',
    );
  }
  return lines;
}
