// Starts the real App the way `npm start` does (`probot run dist/src/index.js`) as its own process, pointed
// at a local fake GitHub through GHE_HOST/GHE_PROTOCOL, with Probot's default throttling untouched.
import { spawn, type ChildProcess } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "./paths.js";

export const appEntry = join(repoRoot, "dist", "src", "index.js");
const probotBin = join(repoRoot, "node_modules", "probot", "bin", "probot.js");

export interface AppKeys { appId: number; privateKey: string; publicKey: string; secret: string }

export function appKeys(): AppKeys {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    appId: 4242,
    privateKey: privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
    publicKey: publicKey.export({ type: "spki", format: "pem" }).toString(),
    secret: "bench-webhook-secret",
  };
}

export interface AppServer { url: string; webhookUrl: string; pid: number; peakRssMb(): number; output(): string; kill(signal: NodeJS.Signals): Promise<void>; stop(): Promise<void> }

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Peak resident memory of a live process (VmHWM), from /proc. */
function peakRssMb(pid: number): number {
  const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/** `nodeArgs` go to the App's node (e.g. --cpu-prof to see where its time goes); `env` adds to or overrides
 *  the App's environment (e.g. REDIS_URL). */
export async function startAppServer(keys: AppKeys, githubHost: string, nodeArgs: string[] = [], env: Record<string, string> = {}): Promise<AppServer> {
  if (!existsSync(appEntry)) throw new Error(`${appEntry} is not built`);
  const port = await freePort();
  // An empty working directory: Probot reads a .env file from it, and a developer's .env must not leak in.
  const cwd = mkdtempSync(join(tmpdir(), "async-review-app-"));
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, probotBin, "run", appEntry], {
    cwd,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "production",
      APP_ID: String(keys.appId),
      PRIVATE_KEY: keys.privateKey,
      WEBHOOK_SECRET: keys.secret,
      HOST: "127.0.0.1",
      PORT: String(port),
      GHE_HOST: githubHost,
      GHE_PROTOCOL: "http",
      LOG_LEVEL: "warn",
      ...env,
    },
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  child.stderr!.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(cwd, { recursive: true, force: true });
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the App exited with ${child.exitCode} while starting:\n${output}`);
    try {
      const res = await fetch(`${url}/ping`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the App did not answer /ping within 20 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const kill = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return { url, webhookUrl: `${url}/api/github/webhooks`, pid: child.pid!, peakRssMb: () => peakRssMb(child.pid!), output: () => output, kill, stop };
}

export const workerEntry = join(repoRoot, "dist", "src", "worker.js");

export interface WorkerProcess { pid: number; peakRssMb(): number; output(): string; kill(signal: NodeJS.Signals): Promise<void>; stop(): Promise<void> }

/** A Redis-mode worker process (`npm run worker`), resolved once it listens to the queue. */
export async function startWorkerProcess(keys: AppKeys, githubHost: string, redisUrl: string, env: Record<string, string> = {}): Promise<WorkerProcess> {
  if (!existsSync(workerEntry)) throw new Error(`${workerEntry} is not built`);
  const cwd = mkdtempSync(join(tmpdir(), "async-review-worker-"));
  const child: ChildProcess = spawn(process.execPath, [workerEntry], {
    cwd,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "production",
      APP_ID: String(keys.appId),
      PRIVATE_KEY: keys.privateKey,
      GHE_HOST: githubHost,
      GHE_PROTOCOL: "http",
      REDIS_URL: redisUrl,
      // Info, to see the line saying it listens; its reviews log a few lines each.
      LOG_LEVEL: "info",
      ...env,
    },
  });
  let output = "";
  let onOutput = (): void => {};
  const append = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-50_000);
    onOutput();
  };
  child.stdout!.on("data", append);
  child.stderr!.on("data", append);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const kill = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
  };
  const stop = async (): Promise<void> => {
    await kill("SIGTERM");
    rmSync(cwd, { recursive: true, force: true });
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => void stop().then(() => reject(new Error(`the worker did not start within 20 s:\n${output}`))), 20_000);
    void exited.then(() => reject(new Error(`the worker exited while starting:\n${output}`)));
    onOutput = () => {
      if (!output.includes("async-review worker: running")) return;
      clearTimeout(timer);
      resolve();
    };
    onOutput();
  });
  return { pid: child.pid!, peakRssMb: () => peakRssMb(child.pid!), output: () => output, kill, stop };
}
