// Starts the real App the way `probot run` does (Probot's `run` with its environment variables, its HTTP
// server, webhook verification and throttled Octokit), pointed at a fake GitHub through GHE_HOST.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, type Server } from 'probot';
import asyncReviewApp from '../../src/index.js';
import { reviewQueue } from '../../src/app/queue.js';
import { startFakeGitHub, type FakeGitHub } from '../fake-github/server.js';
import { freePort } from './free-port.js';
import { appEnvironment } from './app-environment.js';

export interface AppKeys {
  appId: number;
  privateKeyPem: string;
  publicKey: KeyObject;
}

export function generateAppKeys(appId = 4242): AppKeys {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { appId, privateKeyPem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(), publicKey };
}

export interface RunningApp {
  url: string;
  webhookUrl: string;
  /** Resolves when every queued review has finished and the fake has answered every request. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export async function startApp(github: FakeGitHub, keys: AppKeys, secret: string): Promise<RunningApp> {
  const port = await freePort();
  // The job journal goes to a directory of this App's own (read by src/index.ts from the process environment).
  process.env.DATA_DIR = mkdtempSync(join(tmpdir(), 'async-review-e2e-'));
  const server: Server = await run(asyncReviewApp, {
    env: {
      ...appEnvironment(github, keys, secret, port),
      // Quiet by default (a forged delivery is one warning line, see logging.e2e.test.ts); E2E_LOG_LEVEL=info
      // to watch the App work.
      LOG_LEVEL: (process.env.E2E_LOG_LEVEL ?? 'fatal') as 'fatal',
      LOG_FORMAT: 'json',
    },
  });
  const url = `http://127.0.0.1:${server.port}`;
  return {
    url,
    webhookUrl: `${url}/api/github/webhooks`,
    async idle() {
      await reviewQueue.onIdle();
      const deadline = Date.now() + 10_000;
      while (github.inFlight > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    },
    stop: () => server.stop(),
  };
}

/** A fake GitHub and the App against it, started for one test file (in its beforeAll). */
export async function startAppWithFakeGitHub(keys: AppKeys, secret: string): Promise<{ github: FakeGitHub; app: RunningApp }> {
  const github = await startFakeGitHub({ appId: keys.appId, appPublicKey: keys.publicKey });
  return { github, app: await startApp(github, keys, secret) };
}

/** Stops what startAppWithFakeGitHub started (in afterAll; either may be missing if starting failed). */
export async function stopAppAndFakeGitHub(app: RunningApp | undefined, github: FakeGitHub | undefined): Promise<void> {
  await app?.stop();
  await github?.close();
}
