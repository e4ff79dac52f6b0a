#!/usr/bin/env node
/**
 * Renders nginx.conf.template and upstreams.conf into a folder, ready for
 * `nginx -p <dir> -c <dir>/nginx.conf`. Used by the tests and by people (README.md):
 *
 *   node infra/nginx/render.mjs --out /tmp/mcp-nginx --listen 127.0.0.1:8080 \
 *     --upstream 127.0.0.1:3001 --upstream 127.0.0.1:3002 --upstream 127.0.0.1:3003
 *
 * Only `${NAME}` placeholders this file knows are replaced, and every one must be given, so
 * nginx's own `$variables` are left alone and a typo fails here rather than in nginx.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export const TEMPLATE_PATH = fileURLToPath(new URL('./nginx.conf.template', import.meta.url));

/**
 * @typedef {object} NginxSettings
 * @property {string} listen Where nginx listens: `8080` or `127.0.0.1:8080`.
 * @property {string} runtimeDir Absolute folder for the pid file and temp files.
 * @property {string} accessLog A file path, or `/dev/stdout`.
 * @property {string} errorLog A file path, or `/dev/stderr`.
 * @property {readonly string[]} upstreams The instances, `host:port` each.
 */

/**
 * The `server` lines of the `mcp` upstream. One refused connection (max_fails=1) takes an
 * instance out of the rotation for fail_timeout; after that, one request probes it again.
 * @param {readonly string[]} upstreams
 * @returns {string}
 */
export function renderUpstreams(upstreams) {
  if (upstreams.length === 0) throw new Error('at least one upstream instance is required');
  const lines = upstreams.map((address) => {
    if (!/^[\w.-]+:\d{1,5}$/.test(address)) throw new Error(`not a host:port: ${address}`);
    return `server ${address} max_fails=1 fail_timeout=5s;`;
  });
  return `# The MCP instances behind nginx (rendered by render.mjs).\n${lines.join('\n')}\n`;
}

/**
 * @param {NginxSettings} settings
 * @param {string} [template] the template text; defaults to nginx.conf.template
 * @returns {string}
 */
export function renderNginxConf(settings, template = readFileSync(TEMPLATE_PATH, 'utf8')) {
  /** @type {Record<string, string>} */
  const values = {
    LISTEN: settings.listen,
    RUNTIME_DIR: settings.runtimeDir,
    ACCESS_LOG: settings.accessLog,
    ERROR_LOG: settings.errorLog,
  };
  const header =
    '# Rendered from infra/nginx/nginx.conf.template by render.mjs: edit the template.\n';
  return (
    header +
    template.replace(/\$\{([A-Z_]+)\}/g, (placeholder, name) => {
      const value = values[name];
      if (value === undefined)
        throw new Error(`unknown placeholder ${placeholder} in the template`);
      return value;
    })
  );
}

/**
 * Writes nginx.conf and upstreams.conf into `dir` (created if missing). The runtime folder
 * must exist: nginx creates its temp folders inside it, not the folder itself.
 * @param {string} dir
 * @param {NginxSettings} settings
 * @returns {string} the path of nginx.conf
 */
export function writeNginxConf(dir, settings) {
  mkdirSync(dir, { recursive: true });
  const confPath = join(dir, 'nginx.conf');
  writeFileSync(confPath, renderNginxConf(settings));
  writeFileSync(join(dir, 'upstreams.conf'), renderUpstreams(settings.upstreams));
  return confPath;
}

// The command line, when run directly rather than imported.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      listen: { type: 'string', default: '127.0.0.1:8080' },
      'runtime-dir': { type: 'string' },
      'access-log': { type: 'string' },
      'error-log': { type: 'string' },
      upstream: { type: 'string', multiple: true, default: [] },
    },
  });
  if (!values.out) {
    process.stderr.write('usage: render.mjs --out DIR [--listen ADDR] --upstream HOST:PORT ...\n');
    process.exit(2);
  }
  const out = resolve(values.out);
  const runtimeDir = resolve(values['runtime-dir'] ?? out);
  const confPath = writeNginxConf(out, {
    listen: values.listen,
    runtimeDir,
    accessLog: resolve(values['access-log'] ?? join(out, 'access.log')),
    errorLog: resolve(values['error-log'] ?? join(out, 'error.log')),
    upstreams: values.upstream,
  });
  process.stdout.write(`${confPath}\n`);
}
