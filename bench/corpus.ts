// Builds the real-code corpus: the Python sources of Debian's asyncio libraries, fetched with
// `apt-get download` + `dpkg -x` (the only network used is Debian's package archive) and cached under
// bench/corpus/, so reruns cost nothing. Run directly: `node dist/bench/corpus.js`.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { corpusDir, debCacheDir } from "./paths.js";

/** About 14 MB of .py in Debian 12: the libraries people write asyncio code with, plus a few large users of it. */
export const corpusPackages = [
  "python3-aiohttp", "python3-httpx", "python3-httpcore", "python3-asyncpg", "python3-websockets",
  "python3-uvicorn", "python3-starlette", "python3-anyio", "python3-trio", "python3-asyncssh",
  "python3-aiosqlite", "python3-aiomysql", "python3-aio-pika", "python3-aiormq", "python3-slixmpp",
  "python3-discord", "python3-motor", "python3-zeroconf", "python3-hypercorn", "python3-tornado",
  "python3-aioxmpp", "python3-redis", "python3-aiofiles", "python3-aiosmtplib",
] as const;

export interface CorpusPackage { name: string; version: string; files: number; bytes: number }
export interface CorpusManifest { dir: string; packages: CorpusPackage[]; files: number; bytes: number }

const manifestPath = join(corpusDir, "manifest.json");
const sitePackagesPrefix = /^usr\/lib\/python3(\.\d+)?\/(dist|site)-packages\//;

function run(cmd: string, args: string[], cwd?: string): string {
  return execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function debFor(pkg: string): string | undefined {
  return readdirSync(debCacheDir).find((f) => f.startsWith(`${pkg}_`) && f.endsWith(".deb"));
}

function downloadMissingDebs(): void {
  mkdirSync(debCacheDir, { recursive: true });
  const missing = corpusPackages.filter((p) => !debFor(p));
  if (missing.length === 0) return;
  try {
    run("apt-get", ["download", ...missing], debCacheDir);
  } catch {
    // A fresh machine has no package lists yet: refresh them once and retry.
    run("apt-get", ["update"]);
    run("apt-get", ["download", ...missing], debCacheDir);
  }
}

function walkFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) walkFiles(full, out);
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

function extractPython(pkg: string): CorpusPackage {
  const deb = join(debCacheDir, debFor(pkg)!);
  const version = run("dpkg-deb", ["-f", deb, "Version"]).trim();
  const scratch = mkdtempSync(join(tmpdir(), "async-review-corpus-"));
  const target = join(corpusDir, pkg);
  rmSync(target, { recursive: true, force: true });
  let files = 0;
  let bytes = 0;
  try {
    run("dpkg", ["-x", deb, scratch]);
    for (const file of walkFiles(scratch)) {
      if (!file.endsWith(".py")) continue;
      const rel = relative(scratch, file).replace(sitePackagesPrefix, "");
      const dest = join(target, rel);
      mkdirSync(dirname(dest), { recursive: true });
      copyFileSync(file, dest);
      files += 1;
      bytes += statSync(dest).size;
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return { name: pkg, version, files, bytes };
}

function readManifest(): CorpusManifest | undefined {
  if (!existsSync(manifestPath)) return undefined;
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as CorpusManifest;
  const same = manifest.packages.map((p) => p.name).join(" ") === corpusPackages.join(" ");
  return same ? manifest : undefined;
}

/** Returns the cached corpus, fetching and unpacking whatever is missing. */
export function ensureCorpus(log: (line: string) => void = () => {}): CorpusManifest {
  const cached = readManifest();
  if (cached) return { ...cached, dir: corpusDir };
  log(`corpus: downloading ${corpusPackages.length} Debian packages into ${debCacheDir}`);
  downloadMissingDebs();
  mkdirSync(corpusDir, { recursive: true });
  const packages = corpusPackages.map((pkg) => extractPython(pkg));
  const manifest: CorpusManifest = {
    dir: corpusDir,
    packages,
    files: packages.reduce((n, p) => n + p.files, 0),
    bytes: packages.reduce((n, p) => n + p.bytes, 0),
  };
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + "\n");
  log(`corpus: ${manifest.files} files, ${(manifest.bytes / 1e6).toFixed(1)} MB of .py in ${corpusDir}`);
  return manifest;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const manifest = ensureCorpus((line) => console.error(line));
  console.log(JSON.stringify(manifest, null, 2));
}
