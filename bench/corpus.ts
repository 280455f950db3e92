// Builds the real-code corpora: the Python sources of Debian's asyncio libraries (bench/corpus/) and of
// Debian's asyncio applications (bench/corpus-apps/), fetched with `apt-get download` + `dpkg -x` (the only
// network used is Debian's package archive) and cached, so reruns cost nothing. Each package keeps its
// `*.dist-info/METADATA` (or `*.egg-info/PKG-INFO`) beside its sources, so the CLI reads the Pythons the
// package supports (`Requires-Python`) as it would read a checkout's pyproject.toml.
// Run directly: `node dist/bench/corpus.js [libraries|applications|more-libraries]`.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { appCorpusDir, corpusDir, debCacheDir, moreLibrariesCorpusDir } from "./paths.js";

/** About 14 MB of .py in Debian 12: the libraries people write asyncio code with, plus a few large users of it. */
export const corpusPackages = [
  "python3-aiohttp", "python3-httpx", "python3-httpcore", "python3-asyncpg", "python3-websockets",
  "python3-uvicorn", "python3-starlette", "python3-anyio", "python3-trio", "python3-asyncssh",
  "python3-aiosqlite", "python3-aiomysql", "python3-aio-pika", "python3-aiormq", "python3-slixmpp",
  "python3-discord", "python3-motor", "python3-zeroconf", "python3-hypercorn", "python3-tornado",
  "python3-aioxmpp", "python3-redis", "python3-aiofiles", "python3-aiosmtplib",
] as const;

/** Applications and services built on asyncio (bots, proxies, servers, device integrations): the code our
 *  users write, as opposed to the libraries they write it with. Judged in the ecosystem check only. */
export const applicationPackages = [
  "mitmproxy", "python3-telethon", "errbot", "python3-asyncio-mqtt", "python3-pyrcb2", "python3-matrix-nio",
  "python3-aiosmtpd", "python3-quart", "python3-pymodbus", "python3-zigpy", "python3-jupyter-server",
  "python3-distributed", "python3-ipykernel", "python3-jupyter-client", "python3-nbclient", "python3-textual",
  "python3-electrum", "python3-pydle", "python3-streamlink", "ptpython", "python3-miio", "python3-aioftp", "python3-socketio", "python3-bleak",
  "poezio", "python3-ipyparallel", "python3-jupyter-console", "python3-websockify", "python3-can", "python3-irc", "python3-notebook",
  "jupyterhub", "python3-cylc", "libervia-backend", "postfix-mta-sts-resolver", "python3-molotov", "vdirsyncer", "xandikos",
  "pdudaemon", "apertium-apy", "localslackirc", "python3-parfive", "nala", "apprise", "python3-simpleobsws", "sms4you-xmpp", "python3-pynvim",
  "pychess", "pcs", "python3-ipython", "python3-streamz", "pypi2deb", "python3-tuspy", "python3-duckpy", "python3-pyfavicon", "lava-dispatcher",
  "lavacli", "openlp", "mopidy",
  "lava-server", "weechat-matrix", "python3-channels-redis", "python3-terminado", "python3-aiohttp-wsgi", "python3-aioinflux",
  "python3-pyfuse3", "lintian-brush", "python3-django-channels", "python3-labgrid", "sms4you-email",
  "python3-python-telegram-bot", "mailman3", "nrpe-ng", "prometheus-xmpp-alerts", "painintheapt", "python3-pychromecast",
  "python3-pyatem", "python3-nbgitpuller", "python3-livereload", "python3-x2gobroker", "rapid-photo-downloader", "xpra",
  "gunicorn", "python3-bonsai", "python3-consul", "python3-dbus-fast", "python3-fastapi", "yt-dlp", "python3-tweepy",
  "python3-watchgod", "python3-netdisco", "python3-trio-websocket", "python3-selenium", "python3-django",
  "cura", "staticsite", "octavia-tempest-plugin", "bup",
  "python3-qtconsole", "python3-spyder", "python3-spyder-kernels", "pathspider", "python3-locust", "python3-karabo-bridge",
  "lava-dev", "chaussette",
] as const;

/** Held-out asyncio libraries beyond the benchmark's (whose list the precision issue fixed, so that its time
 *  figures stay comparable): judged in the ecosystem check only, added after the other corpora to find the
 *  false positives they did not show. */
export const moreLibraryPackages = [
  "python3-aioamqp", "python3-aiodogstatsd", "python3-aionotify", "python3-aioopenssl", "python3-aiopg", "python3-aiozmq",
  "python3-panoramisk", "python3-aiotask-context", "python3-janus", "python3-throttler", "python3-trololio", "python3-pytray",
  "python3-serial-asyncio", "python3-aioredis", "python3-aiortc", "python3-aiorpcx", "python3-aioapns", "python3-pysnmp4",
  "python3-aiosasl", "python3-ormar", "python3-graphql-core", "python3-aiostream", "python3-aioprocessing", "python3-async-lru",
  "python3-pyee", "python3-asgiref", "python3-pytest-asyncio", "python3-databases", "python3-aioxmlrpc", "python3-aiozipkin",
  "python3-txaio", "python3-aiodns",
  "python3-aiohttp-apispec", "python3-aiohttp-cors", "python3-aiohttp-jinja2", "python3-aiohttp-mako", "python3-aiohttp-oauthlib",
  "python3-aiohttp-openmetrics", "python3-aiohttp-proxy", "python3-aiohttp-security", "python3-aiohttp-session",
  "python3-aiohttp-socks", "python3-aioresponses", "python3-sqlalchemy", "python3-dnspython", "python3-pytest-aiohttp",
  "python3-pytest-tornasync", "python3-ws4py", "python3-flask", "python3-matplotlib", "python3-ginga", "python3-raritan-json-rpc",
  "python3-djoser", "python3-restless", "python3-flask-httpauth", "python3-exceptiongroup", "python3-cobra", "python3-editobj3",
  "python3-ironic-lib", "python3-pytest-tornado", "python3-toro", "python3-amp", "python3-partd",
] as const;

/** Bumped when what is extracted per package changes, so cached corpora are extracted again. */
const LAYOUT = 2;

export interface CorpusPackage { name: string; version: string; files: number; bytes: number }
export interface CorpusManifest { dir: string; packages: CorpusPackage[]; files: number; bytes: number; layout?: number }
const sitePackagesPrefix = /^usr\/lib\/python3(\.\d+)?\/(dist|site)-packages\//;

function run(cmd: string, args: string[], cwd?: string): string {
  return execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function debFor(pkg: string): string | undefined {
  return readdirSync(debCacheDir).find((f) => f.startsWith(`${pkg}_`) && f.endsWith(".deb"));
}

function downloadMissingDebs(packages: readonly string[]): void {
  mkdirSync(debCacheDir, { recursive: true });
  const missing = packages.filter((p) => !debFor(p));
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

/** Package metadata that says which Pythons the package supports. */
const isMetadataFile = (path: string) => /\.dist-info\/METADATA$|\.egg-info(\/PKG-INFO)?$/.test(path);

function extractPython(pkg: string, dir: string): CorpusPackage {
  const deb = join(debCacheDir, debFor(pkg)!);
  const version = run("dpkg-deb", ["-f", deb, "Version"]).trim();
  const scratch = mkdtempSync(join(tmpdir(), "async-review-corpus-"));
  const target = join(dir, pkg);
  rmSync(target, { recursive: true, force: true });
  let files = 0;
  let bytes = 0;
  try {
    run("dpkg", ["-x", deb, scratch]);
    for (const file of walkFiles(scratch)) {
      const rel = relative(scratch, file).replace(sitePackagesPrefix, "");
      const metadata = isMetadataFile(rel);
      if (!file.endsWith(".py") && !metadata) continue;
      const dest = join(target, rel);
      mkdirSync(dirname(dest), { recursive: true });
      copyFileSync(file, dest);
      if (metadata) continue;
      files += 1;
      bytes += statSync(dest).size;
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return { name: pkg, version, files, bytes };
}

function readManifest(dir: string, names: readonly string[]): CorpusManifest | undefined {
  const manifestPath = join(dir, "manifest.json");
  if (!existsSync(manifestPath)) return undefined;
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as CorpusManifest;
  const same = manifest.layout === LAYOUT && manifest.packages.map((p) => p.name).join(" ") === names.join(" ");
  return same ? manifest : undefined;
}

function ensurePackages(dir: string, names: readonly string[], log: (line: string) => void): CorpusManifest {
  const cached = readManifest(dir, names);
  if (cached) return { ...cached, dir };
  log(`corpus: downloading ${names.length} Debian packages into ${debCacheDir}`);
  downloadMissingDebs(names);
  mkdirSync(dir, { recursive: true });
  const packages = names.map((pkg) => extractPython(pkg, dir));
  const manifest: CorpusManifest = {
    dir,
    packages,
    files: packages.reduce((n, p) => n + p.files, 0),
    bytes: packages.reduce((n, p) => n + p.bytes, 0),
    layout: LAYOUT,
  };
  writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
  log(`corpus: ${manifest.files} files, ${(manifest.bytes / 1e6).toFixed(1)} MB of .py in ${dir}`);
  return manifest;
}

/** Returns the cached library corpus (the benchmark's), fetching and unpacking whatever is missing. */
export function ensureCorpus(log: (line: string) => void = () => {}): CorpusManifest {
  return ensurePackages(corpusDir, corpusPackages, log);
}

/** The application corpus of the ecosystem check. */
export function ensureApplicationCorpus(log: (line: string) => void = () => {}): CorpusManifest {
  return ensurePackages(appCorpusDir, applicationPackages, log);
}

/** The held-out library corpus of the ecosystem check. */
export function ensureMoreLibrariesCorpus(log: (line: string) => void = () => {}): CorpusManifest {
  return ensurePackages(moreLibrariesCorpusDir, moreLibraryPackages, log);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const which = process.argv[2] === "applications" ? ensureApplicationCorpus : process.argv[2] === "more-libraries" ? ensureMoreLibrariesCorpus : ensureCorpus;
  const manifest = which((line) => console.error(line));
  console.log(JSON.stringify(manifest, null, 2));
}
