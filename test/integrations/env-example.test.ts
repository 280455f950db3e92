// .env.example lists every environment variable the App reads (its own sources, and Probot's for `probot
// run`), each with a comment, all commented out so that a copied .env blanks nothing.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './committed-tree.js';

const READS = [/process\.env\.([A-Z][A-Z0-9_]*)/g, /process\.env\[\s*['"]([A-Z][A-Z0-9_]*)['"]\s*\]/g, /(?<![.\w])env(?:WithDefaults)?\.([A-Z][A-Z0-9_]*)/g];

function filesUnder(dir: string, extension: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(extension))
    .map((entry) => join(entry.parentPath, entry.name));
}

function variablesRead(files: string[]): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const pattern of READS) for (const match of text.matchAll(pattern)) if (!found.has(match[1]!)) found.set(match[1]!, relative(repoRoot, file));
  }
  return found;
}

const example = readFileSync(join(repoRoot, '.env.example'), 'utf8').split('\n');
const listed = new Map<string, number>();
example.forEach((line, index) => {
  const match = /^#\s?([A-Z][A-Z0-9_]*)=/.exec(line);
  if (match && !listed.has(match[1]!)) listed.set(match[1]!, index);
});

describe('.env.example', () => {
  it("lists every variable async-review's App reads (the CLI's own, in src/cli, are not the App's)", () => {
    const read = variablesRead(filesUnder(join(repoRoot, 'src'), '.ts').filter((file) => !file.includes(`${join('src', 'cli')}`)));
    expect(read.size).toBeGreaterThan(0);
    expect([...read].filter(([name]) => !listed.has(name)).map(([name, file]) => `${name} (${file})`)).toEqual([]);
    for (const name of ['NODE_ENV', 'WEBHOOK_SECRET', 'DOCS_URL']) expect(read.has(name), name).toBe(true);
  });

  it('lists every variable Probot reads for `probot run`', () => {
    const probot = join(repoRoot, 'node_modules/probot/lib');
    // `probot receive` (one event from a file, with GITHUB_TOKEN) is not how the App runs.
    const files = [...filesUnder(probot, '.js').filter((file) => !file.endsWith(join('bin', 'receive.js'))), ...filesUnder(join(repoRoot, 'node_modules/@probot/get-private-key/dist-src'), '.js')];
    const read = variablesRead(files);
    for (const name of ['APP_ID', 'PRIVATE_KEY', 'PRIVATE_KEY_PATH', 'WEBHOOK_SECRET', 'WEBHOOK_PROXY_URL', 'PORT', 'HOST', 'LOG_LEVEL', 'LOG_FORMAT', 'GHE_HOST', 'GHE_PROTOCOL', 'NODE_ENV']) {
      expect(read.has(name), name).toBe(true);
    }
    expect([...read].filter(([name]) => !listed.has(name)).map(([name, file]) => `${name} (${file})`)).toEqual([]);
  });

  it('explains each variable in the comment above it, and sets none', () => {
    for (const [name, index] of listed) {
      let above = index - 1;
      while (above >= 0 && /^#\s?[A-Z][A-Z0-9_]*=/.test(example[above]!)) above--;
      expect(example[above], `${name} has no comment above it`).toMatch(/^# \S/);
    }
    expect(parseEnv(example.join('\n'))).toEqual({});
  });

  it('uncommented, is a .env Probot can load', () => {
    const uncommented = example.map((line) => line.replace(/^#\s?(?=[A-Z][A-Z0-9_]*=)/, '')).join('\n');
    const env = parseEnv(uncommented);
    expect(Object.keys(env).sort()).toEqual([...listed.keys()].sort());
    expect(env.PRIVATE_KEY).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    expect(env.DOCS_URL).toMatch(/^https:\/\//);
  });
});
