/**
 * The images as built: what their configuration promises, what files they hold (only the app
 * on top of the base, nothing of the build environment), and how big they are.
 */
import { lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { APPS, baseImage, imageOf, podmanOk } from './podman.js';

/**
 * Today's figures (stand-in base, 2026-12-06): hono-http and express-sessions, 397 MB and 2
 * layers each (the base, then /app), uncompressed as podman counts. A test fails past 20% more
 * (a layer more is more than 20%); when an image grows on purpose, measure again and move these.
 */
const MAX_SIZE_MB = 476;
const MAX_LAYERS = 2;

interface ImageInspect {
  Size: number;
  RootFS: { Layers: string[] };
  Config: {
    User?: string;
    Cmd?: string[];
    Entrypoint?: string[];
    Env?: string[];
    ExposedPorts?: Record<string, unknown>;
    StopSignal?: string;
    WorkingDir?: string;
    Labels?: Record<string, string>;
  };
  Healthcheck?: { Test?: string[] };
}

async function inspect(image: string): Promise<ImageInspect> {
  const [parsed] = JSON.parse(await podmanOk(['image', 'inspect', image])) as ImageInspect[];
  if (!parsed) throw new Error(`no image ${image}`);
  return parsed;
}

/** Every path in an image's file tree, relative to its root, with its mode and owner. */
async function files(image: string): Promise<Map<string, { mode: number; uid: number }>> {
  const mount = await mountOf(image);
  const listing = new Map<string, { mode: number; uid: number }>();
  // Our own walk: never through a symlink (the image's /dev/fd points at the host's /proc).
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      const { mode, uid } = lstatSync(full);
      listing.set(`/${relative(mount, full)}`, { mode, uid });
      if (entry.isDirectory()) walk(full);
    }
  };
  walk(mount);
  return listing;
}
/** Where an image's tree is mounted: once per image (podman counts mounts), unmounted at the end. */
const mounted = new Map<string, string>();
async function mountOf(image: string): Promise<string> {
  const known = mounted.get(image);
  if (known) return known;
  const mount = (await podmanOk(['image', 'mount', image])).trim();
  mounted.set(image, mount);
  return mount;
}
afterAll(async () => {
  for (const image of mounted.keys()) await podmanOk(['image', 'unmount', image]);
});

const figures: Record<string, { sizeMB: number; layers: number }> = {};
afterAll(() => {
  mkdirSync('reports', { recursive: true });
  writeFileSync('reports/images.json', `${JSON.stringify(figures, null, 2)}\n`);
});

// The CA bundle ci.sh mounted for npm during the build: no part of it may reach an image.
const caBundle = process.env.MCP_RUNWAY_CA_BUNDLE;
const caLine = caBundle
  ? readFileSync(caBundle, 'utf8')
      .split('\n')
      .find((line) => line.length >= 64 && !line.startsWith('-----'))
  : undefined;

let baseFiles: Map<string, { mode: number; uid: number }> | undefined;

for (const app of APPS) {
  describe(`the ${app} image`, () => {
    it('is configured as the Dockerfile says: non-root, exec-form CMD, HEALTHCHECK, labels', async () => {
      const image = await inspect(imageOf(app));
      expect(image.Config.User).toBe('node');
      expect(image.Config.WorkingDir).toBe('/app');
      expect(image.Config.Cmd).toEqual(['node', 'dist/main.js']);
      expect(Object.keys(image.Config.ExposedPorts ?? {}).sort()).toEqual(['3000/tcp', '9464/tcp']);
      expect(image.Config.StopSignal).toBe('SIGTERM');
      expect(image.Config.Env).toEqual(
        expect.arrayContaining(['NODE_ENV=production', 'HOST=0.0.0.0', 'METRICS_HOST=0.0.0.0']),
      );
      // Kept only in the docker format: ci.sh builds with --format=docker.
      expect(image.Healthcheck?.Test?.[0]).toBe('CMD');
      expect(image.Healthcheck?.Test?.slice(1, 3)).toEqual(['node', '-e']);
      const labels = image.Config.Labels ?? {};
      expect(labels['org.opencontainers.image.title']).toBe(`mcp-runway ${app}`);
      expect(labels['org.opencontainers.image.version']).toMatch(/^\d+\.\d+\.\d+/);
      expect(labels['org.opencontainers.image.revision']).toMatch(/^[0-9a-f]{7,40}$/);
    });

    it('holds the base and the deployed app, read-only, and nothing of the build environment', async () => {
      baseFiles ??= await files(baseImage());
      const listing = await files(imageOf(app));
      const added = [...listing.keys()].filter((path) => !baseFiles?.has(path));
      // Only the app: no npm config, no CA bundle, no pnpm store, no mount points left behind.
      expect(added.filter((path) => path !== '/app' && !path.startsWith('/app/'))).toEqual([]);
      expect(added).toContain('/app/dist/main.js');
      expect(added).toContain('/app/package.json');
      expect(added.filter((path) => /(^|\/)\.?npmrc$|\.(crt|pem)$/.test(path))).toEqual([]);
      // The app as pnpm deploy lays it out: its build, not its sources or tests.
      expect(added.filter((path) => /^\/app\/(src|test)(\/|$)/.test(path))).toEqual([]);
      // Owned by root and writable by no one else: the app's user (uid 1000) can neither
      // modify its code nor chmod it back.
      const appFiles = added.map((path) => ({
        path,
        ...(listing.get(path) as { mode: number; uid: number }),
      }));
      expect(appFiles.filter((f) => f.uid !== 0).map((f) => f.path)).toEqual([]);
      expect(
        appFiles
          .filter((f) => (f.mode & 0o170000) !== 0o120000 && (f.mode & 0o022) !== 0)
          .map((f) => f.path),
      ).toEqual([]);
      // The folder npm read its global config from during the build (a bind mount) is as the
      // base has it, and no file of the app carries a line of the mounted CA bundle.
      expect([...listing.keys()].filter((p) => p.startsWith('/usr/local/etc/'))).toEqual(
        [...(baseFiles?.keys() ?? [])].filter((p) => p.startsWith('/usr/local/etc/')),
      );
      expect(caLine, 'ci.sh names the CA bundle it mounted').toBeDefined();
      const mount = await mountOf(imageOf(app));
      const carrying = added.filter((path) => {
        const mode = listing.get(path)?.mode ?? 0;
        if ((mode & 0o170000) !== 0o100000) return false;
        return readFileSync(join(mount, path), 'latin1').includes(caLine as string);
      });
      expect(carrying).toEqual([]);
    });

    it(`stays within ${MAX_SIZE_MB} MB and ${MAX_LAYERS} layers`, async () => {
      const image = await inspect(imageOf(app));
      const sizeMB = Math.round(image.Size / 1e6);
      const layers = image.RootFS.Layers.length;
      figures[app] = { sizeMB, layers };
      console.log(`${imageOf(app)}: ${sizeMB} MB, ${layers} layers`);
      expect(sizeMB).toBeLessThanOrEqual(MAX_SIZE_MB);
      expect(layers).toBeLessThanOrEqual(MAX_LAYERS);
    });
  });
}
