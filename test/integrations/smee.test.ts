// Local development through smee.io, as the README says: a .env made from .env.example with WEBHOOK_PROXY_URL
// set, then `probot run` (npm start). Probot imports smee-client by name when WEBHOOK_PROXY_URL is set (through
// npx-import-light, which outside `npx` is a plain import: the package must be installed, here as a dev
// dependency) and forwards the channel's deliveries to the App's webhook route. A local server plays smee.io:
// an event stream whose messages carry a delivery's headers and body, as smee.io sends them.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../e2e/free-port.js';
import { repoRoot } from './committed-tree.js';
import { readmeBlock } from './readme.js';
import { until } from '../helpers/until.js';

const SECRET = 'smee-test-secret';

let channel: Server;
let channelUrl: string;
const listeners: ServerResponse[] = [];
let app: ChildProcess;
let output = '';
let cwd: string;


/** What smee.io sends for a delivery: its headers and parsed body in one JSON message. */
function relay(event: string, delivery: string, body: object, signature: string): void {
  const message = { 'x-github-event': event, 'x-github-delivery': delivery, 'x-hub-signature-256': signature, 'content-type': 'application/json', body, query: {} };
  for (const listener of listeners) listener.write(`data: ${JSON.stringify(message)}\n\n`);
}

const sign = (body: object) => `sha256=${createHmac('sha256', SECRET).update(JSON.stringify(body)).digest('hex')}`;

/** .env.example with the given variables uncommented and set. */
function dotEnv(values: Record<string, string>): string {
  const lines = readFileSync(join(repoRoot, '.env.example'), 'utf8').split('\n');
  const set = new Set<string>();
  const result = lines.map((line) => {
    const match = /^#\s?([A-Z][A-Z0-9_]*)=/.exec(line);
    if (!match || !(match[1]! in values) || set.has(match[1]!)) return line;
    set.add(match[1]!);
    return `${match[1]}=${JSON.stringify(values[match[1]!])}`;
  });
  const missing = Object.keys(values).filter((name) => !set.has(name));
  if (missing.length > 0) throw new Error(`.env.example does not list ${missing.join(', ')}`);
  return result.join('\n');
}

beforeAll(async () => {
  channel = createServer((request, response) => {
    if (request.method === 'GET' && request.url === '/channel') {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      response.write(': ready\n\n');
      listeners.push(response);
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => channel.listen(0, '127.0.0.1', resolve));
  channelUrl = `http://127.0.0.1:${(channel.address() as { port: number }).port}/channel`;

  cwd = mkdtempSync(join(tmpdir(), 'async-review-smee-'));
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(
    join(cwd, '.env'),
    dotEnv({
      APP_ID: '4242',
      PRIVATE_KEY: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
      WEBHOOK_SECRET: SECRET,
      WEBHOOK_PROXY_URL: channelUrl,
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'info',
    }),
  );
  // Nothing but the .env: what `npm start` does in a fresh clone.
  app = spawn(process.execPath, [join(repoRoot, 'node_modules/probot/bin/probot.js'), 'run', join(repoRoot, 'dist/src/index.js')], {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  app.stdout!.on('data', (chunk) => (output += chunk));
  app.stderr!.on('data', (chunk) => (output += chunk));
  await until(
    () => listeners.length > 0 || output.includes('smee-client') || app.exitCode !== null,
    () => `the App did not connect to the channel:\n${output}`,
    30_000,
  );
  expect(output, 'smee-client is not installed: `npm ci` installs it (a dev dependency)').not.toContain('npm install --save-dev smee-client');
  expect(listeners).toHaveLength(1);
}, 60_000);

afterAll(async () => {
  if (app && app.exitCode === null) app.kill('SIGKILL');
  for (const listener of listeners) listener.end();
  await new Promise((resolve) => channel?.close(resolve));
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

describe('the App behind a smee.io channel', () => {
  it('is what the README says to run', () => {
    const steps = readmeBlock('The App on your machine', 'sh');
    expect(steps).toContain('cp .env.example .env');
    expect(steps).toContain('WEBHOOK_PROXY_URL');
    expect(steps).toMatch(/npm ci && npm start/);
    const { devDependencies } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    // The version Probot asks npx-import-light for.
    const proxy = readFileSync(join(repoRoot, 'node_modules/probot/lib/helpers/webhook-proxy.js'), 'utf8');
    expect(proxy).toContain(`smee-client@${devDependencies['smee-client']}`);
  });

  it("forwards the channel's deliveries to the App", async () => {
    const body = { zen: 'Design for failure.', hook_id: 7 };
    relay('ping', 'smee-delivery-1', body, sign(body));
    await until(() => /POST \/api\/github\/webhooks 200/.test(output), () => `no delivery reached the App:\n${output}`);
    // smee-client's own line, once the App has answered.
    await until(() => /POST http:\/\/127\.0\.0\.1:\d+\/api\/github\/webhooks - 200/.test(output), () => `smee-client did not report the 200:\n${output}`);
  });

  it('refuses a forged one there too, in one line', async () => {
    const body = { action: 'opened', number: 1 };
    relay('pull_request', 'smee-forged-1', body, sign({ ...body, number: 2 }));
    await until(() => output.includes('smee-forged-1'), () => `the forged delivery was not logged:\n${output}`);
    expect(output.split('\n').filter((line) => line.includes('smee-forged-1'))).toEqual([expect.stringContaining('webhook rejected (400)')]);
    await until(() => /api\/github\/webhooks - 400/.test(output), () => `smee-client did not report the 400:\n${output}`);
  });
});
