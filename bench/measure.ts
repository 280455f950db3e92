// Runs one whole process under GNU time and reports its wall time, CPU time (user + sys, including any
// children it waited for) and peak resident memory.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const gnuTime = "/usr/bin/time";

export interface ProcessMeasurement {
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** GNU time is the only portable way to read a child's rusage from Node; install it on a fresh machine. */
export function ensureGnuTime(): void {
  if (existsSync(gnuTime)) return;
  try {
    execFileSync("apt-get", ["install", "-y", "-q", "time"], { stdio: "ignore" });
  } catch {
    execFileSync("apt-get", ["update", "-q"], { stdio: "ignore" });
    execFileSync("apt-get", ["install", "-y", "-q", "time"], { stdio: "ignore" });
  }
}

export async function measureProcess(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ProcessMeasurement> {
  const scratch = mkdtempSync(join(tmpdir(), "async-review-bench-"));
  const usageFile = join(scratch, "usage");
  try {
    const started = process.hrtime.bigint();
    const child = spawn(gnuTime, ["-o", usageFile, "-f", "%U %S %M", command, ...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    const exitCode = await new Promise<number>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (code) => resolve(code ?? -1));
    });
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    // GNU time prefixes "Command exited with non-zero status N" on its own line when the exit code is not 0.
    const usageLine = readFileSync(usageFile, "utf8").trim().split("\n").at(-1) ?? "";
    const [user, sys, maxRssKb] = usageLine.split(" ").map(Number);
    if (![user, sys, maxRssKb].every(Number.isFinite)) throw new Error(`unreadable GNU time output: ${usageLine}`);
    return {
      wallMs,
      cpuMs: (user + sys) * 1000,
      peakRssMb: maxRssKb / 1024,
      exitCode,
      stdout: Buffer.concat(stdout).toString("utf8"),
      stderr: Buffer.concat(stderr).toString("utf8"),
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
