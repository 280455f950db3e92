// The Docker image's layout without Docker: the packed package installed with production dependencies only
// (as the Dockerfile's runtime stage does), then the App started the way the image starts it and the CLI run
// from the install. A runtime import of a dev dependency, or a file missing from the package, fails here.
// Uses the compiled dist/ (`npm test` builds first).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './e2e/free-port.js';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;
let workdir: string;
let installed: string;
const children: ChildProcess[] = [];

/** A clean environment: nothing of the developer's GitHub App settings leaks into the child. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, LOG_FORMAT: 'json', LOG_LEVEL: 'warn', ...extra };
}

/** Starts the App as the Dockerfile's CMD does, in the installed package. */
function startApp(env: Record<string, string>) {
  const child = spawn(process.execPath, [join(workdir, 'node_modules/probot/bin/probot.js'), 'run', './dist/src/index.js'], {
    cwd: installed,
    env: cleanEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

beforeAll(async () => {
  if (!existsSync(join(root, 'dist/src/index.js')) || !existsSync(join(root, 'dist/src/cli/main.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first (`npm test` does)');
  }
  workdir = await mkdtemp(join(tmpdir(), 'async-review-production-'));
  await run('npm', ['pack', '--ignore-scripts', '--pack-destination', workdir], { cwd: root });
  const [tarball] = (await readdir(workdir)).filter((name) => name.endsWith('.tgz'));
  await writeFile(join(workdir, 'package.json'), JSON.stringify({ name: 'production-layout', private: true }));
  // As in the image: production dependencies only, no install scripts.
  await run('npm', ['install', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', join(workdir, tarball!)], {
    cwd: workdir,
  });
  installed = join(workdir, 'node_modules/async-review');
}, 240_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (workdir) await rm(workdir, { recursive: true, force: true });
});

describe('the production install', () => {
  it('contains the manifest and no dev dependency', async () => {
    const { devDependencies } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    const leaked = Object.keys(devDependencies).filter((name) => existsSync(join(workdir, 'node_modules', name)));
    expect(leaked).toEqual([]);
    expect(existsSync(join(installed, 'app.yml'))).toBe(true);
  });

  it('starts the App and answers the health route', async () => {
    const port = await freePort();
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const app = startApp({
      NODE_ENV: 'production',
      APP_ID: '12345',
      PRIVATE_KEY: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
      WEBHOOK_SECRET: 'production-secret',
      HOST: '127.0.0.1',
      PORT: String(port),
    });
    const deadline = Date.now() + 30_000;
    let status = 0;
    while (Date.now() < deadline && app.child.exitCode === null) {
      status = await fetch(`http://127.0.0.1:${port}/health`).then((response) => response.status, () => 0);
      if (status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(status, app.output()).toBe(200);
    // A forged webhook is refused by the production server too.
    const forged = await fetch(`http://127.0.0.1:${port}/api/github/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'ping', 'x-github-delivery': '1', 'x-hub-signature-256': 'sha256=00' },
      body: '{}',
    });
    expect(forged.status).toBe(400);
    app.child.kill('SIGTERM');
    await app.exited;
  }, 60_000);

  it('refuses to start in production without WEBHOOK_SECRET', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const app = startApp({
      NODE_ENV: 'production',
      APP_ID: '12345',
      PRIVATE_KEY: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
    });
    const code = await Promise.race([app.exited, new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), 30_000))]);
    expect(code, app.output()).not.toBe('running');
    expect(code).not.toBe(0);
    expect(app.output()).toContain('WEBHOOK_SECRET');
  }, 60_000);

  it('runs the installed CLI, which finds time.sleep in a coroutine', async () => {
    await writeFile(join(workdir, 'service.py'), 'import asyncio\nimport time\n\n\nasync def handler():\n    time.sleep(1)\n');
    const cli = join(workdir, 'node_modules/.bin/async-review');
    const result = await run(cli, ['check', 'service.py', '--format', 'json'], { cwd: workdir, env: cleanEnv({}) }).then(
      () => ({ code: 0, stdout: '' }),
      (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
    );
    expect(result.code).toBe(1);
    const { findings } = JSON.parse(result.stdout) as { findings: Array<{ rule: string; path: string; line: number }> };
    expect(findings).toEqual([expect.objectContaining({ rule: 'blocking-sleep', path: 'service.py', line: 6 })]);
  }, 60_000);
});
