// The App's log as an operator reads it: `probot run dist/src/index.js` (what `npm start` and the Docker image
// run) in its own process, in both log formats. Health probes write nothing; a delivery whose signature does not
// match writes one line (Probot alone writes two errors with stacks and the payload, ~80 lines pretty); valid
// deliveries are still logged. Uses the compiled dist/ (`npm test` builds first).
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './free-port.js';
import { until } from '../helpers/until.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const SECRET = 'logging-test-secret';

interface Started {
  child: ChildProcess;
  url: string;
  lines(): string[];
  cwd: string;
}

async function start(logFormat: 'pretty' | 'json'): Promise<Started> {
  const port = await freePort();
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  // An empty working directory: Probot reads a .env file from it.
  const cwd = mkdtempSync(join(tmpdir(), 'async-review-logging-'));
  const child = spawn(process.execPath, [join(root, 'node_modules/probot/bin/probot.js'), 'run', join(root, 'dist/src/index.js')], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      APP_ID: '4242',
      PRIVATE_KEY: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
      WEBHOOK_SECRET: SECRET,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'info',
      LOG_FORMAT: logFormat,
      WEBHOOK_MAX_BYTES: String(1024 * 1024),
    },
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const started: Started = { child, url: `http://127.0.0.1:${port}`, lines: () => output.split('\n').filter((line) => line.trim() !== ''), cwd };
  await until(() => /Listening on/.test(output), () => `the App did not start:\n${output}`, 30_000);
  return started;
}


/** Lines written after `from`, once the log has been still for a moment. */
async function linesAfter(app: Started, from: number, expectAtLeast: number): Promise<string[]> {
  await until(() => app.lines().length >= from + expectAtLeast, () => `expected ${expectAtLeast} new line(s):\n${app.lines().slice(from).join('\n')}`);
  await new Promise((resolve) => setTimeout(resolve, 500));
  return app.lines().slice(from);
}

function deliver(app: Started, event: string, delivery: string, body: string, signature: string) {
  return fetch(`${app.url}/api/github/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': delivery, 'x-hub-signature-256': signature },
    body,
  });
}

const sign = (body: string) => `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;

describe.each(['pretty', 'json'] as const)('the App log (LOG_FORMAT=%s)', (logFormat) => {
  let app: Started;

  beforeAll(async () => {
    app = await start(logFormat);
  }, 60_000);

  afterAll(() => {
    if (app?.child.exitCode === null) app.child.kill('SIGKILL');
    if (app) rmSync(app.cwd, { recursive: true, force: true });
  });

  it('writes nothing for health probes', async () => {
    const from = app.lines().length;
    for (let probe = 0; probe < 3; probe++) {
      expect((await fetch(`${app.url}/health`)).status).toBe(200);
      expect((await fetch(`${app.url}/health`, { method: 'HEAD' })).status).toBe(200);
    }
    expect(await linesAfter(app, from, 0)).toEqual([]);
  });

  it('writes one line for a delivery whose signature does not match, and answers as Probot does', async () => {
    const from = app.lines().length;
    const body = JSON.stringify({ action: 'opened', pull_request: { number: 1, body: 'x'.repeat(2000) } });
    const response = await deliver(app, 'pull_request', 'forged-delivery-1', body, sign(`${body} `));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'Error: [@octokit/webhooks] signature does not match event payload and secret' });
    const lines = await linesAfter(app, from, 1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/webhook rejected \(400\): signature does not match WEBHOOK_SECRET; event pull_request, delivery forged-delivery-1, from 127\.0\.0\.1/);
    if (logFormat === 'json') expect(JSON.parse(lines[0]!)).toMatchObject({ level: 40 });
    else expect(lines[0]).toMatch(/^WARN/);
  });

  it('refuses a body over the limit before buffering it, with one line', async () => {
    const from = app.lines().length;
    const body = JSON.stringify({ action: 'opened', padding: 'x'.repeat(2 * 1024 * 1024) });
    const response = await deliver(app, 'pull_request', 'huge-delivery-1', body, sign(body));
    expect(response.status).toBe(413);
    const lines = await linesAfter(app, from, 1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/webhook rejected \(413\): body over 1048576 bytes; event pull_request, delivery huge-delivery-1/);
    // The App still answers afterwards.
    expect((await fetch(`${app.url}/health`)).status).toBe(200);
  });

  it('still logs valid deliveries and answers them', async () => {
    const from = app.lines().length;
    const body = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 });
    const response = await deliver(app, 'ping', 'valid-delivery-1', body, sign(body));
    expect(response.status).toBe(200);
    const lines = await linesAfter(app, from, 1);
    expect(lines.join('\n')).toContain('POST /api/github/webhooks 200');
    expect(lines.join('\n')).not.toContain('rejected');
  });

  it('leaves the other refusals to Probot: one request line each', async () => {
    const from = app.lines().length;
    const response = await fetch(`${app.url}/api/github/webhooks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(400);
    const lines = await linesAfter(app, from, 1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('POST /api/github/webhooks 400');
  });
});
