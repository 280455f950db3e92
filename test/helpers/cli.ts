import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Document, isMap, parseDocument } from 'yaml';

export const CLI = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));

/** Run the compiled CLI (npm test builds first) in `cwd`. */
export function runCli(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A temporary project folder holding the given files (path → content). */
export function makeProject(files: Record<string, string | Uint8Array>): string {
  const root = mkdtempSync(join(tmpdir(), 'async-review-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

/** Give rules a severity in the project's `.github/async-review.yml` (made when absent), keeping what the file
 *  already says, a setting of the same rule included: how a project turns on a rule that is off by default.
 *  Returns `root`. */
export function enableRules(root: string, settings: Record<string, string>): string {
  const pyproject = join(root, 'pyproject.toml');
  if (existsSync(pyproject) && /^\[tool\.async-review[\].]/m.test(readFileSync(pyproject, 'utf8'))) {
    throw new Error('enableRules: this project is configured in pyproject.toml; set the rules in its [tool.async-review] table');
  }
  const path = join(root, '.github/async-review.yml');
  const doc = existsSync(path) ? parseDocument(readFileSync(path, 'utf8')) : new Document({});
  if (doc.errors.length > 0) throw new Error(`enableRules: ${path} is not valid YAML: ${doc.errors[0]!.message}`);
  if (!isMap(doc.get('rules'))) doc.set('rules', doc.createNode({}));
  for (const [rule, severity] of Object.entries(settings)) {
    if (!doc.hasIn(['rules', rule])) doc.setIn(['rules', rule], severity);
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, doc.toString());
  return root;
}

/** blocking-file-io is off by default: turn it on (as a warning, its severity) in the project at `root`. */
export function enableBlockingFileIo(root: string): string {
  return enableRules(root, { 'blocking-file-io': 'warning' });
}
