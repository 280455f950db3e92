// Starts the built App as its own process, exactly as `npm start` does (probot run ./dist/src/index.js),
// pointed at a fake GitHub, so a test can SIGKILL or SIGTERM it and start it again on the same data
// directory. Needs `npm run build` first.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { FakeGitHub } from '../fake-github/server.js';
import type { AppKeys } from './app-server.js';
import { appEnvironment } from './app-environment.js';
import { freePort } from './free-port.js';

const ROOT = join(import.meta.dirname, '..', '..');

export interface AppProcess {
  child: ChildProcess;
  url: string;
  webhookUrl: string;
  /** Everything the App logged (JSON lines). */
  output(): string;
  /** Resolves with the exit code (or the signal's name) once the process has exited. */
  exited: Promise<number | string>;
}

export async function startAppProcess(github: FakeGitHub, keys: AppKeys, secret: string, dataDir: string, env: Record<string, string> = {}): Promise<AppProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, 'node_modules', 'probot', 'bin', 'probot.js'), 'run', join(ROOT, 'dist', 'src', 'index.js')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      ...appEnvironment(github, keys, secret, port),
      DATA_DIR: dataDir,
      LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'info',
      LOG_FORMAT: 'json',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const url = `http://127.0.0.1:${port}`;
  // Up when /health answers.
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the App did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, url, webhookUrl: `${url}/api/github/webhooks`, output: () => output, exited };
}
