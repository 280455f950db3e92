// The GitHub Action (action.yml) run the way a runner runs a composite action: each `run:` step's script in
// bash with the step's env, its `${{ }}` expressions filled in from the inputs the README's workflow passes,
// against a pull request checked out as actions/checkout does (one commit of refs/pull/N/merge). The action is
// a commit of this checkout without node_modules or dist/, so its build step installs and builds for real
// (reaching the npm registry). The setup-node step is the only one not run: the test's Node stands in for it.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { commitCurrentTree, git, repoRoot, type CommittedTree } from './committed-tree.js';
import { readmeBlock } from './readme.js';

const exec = promisify(execFile);

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  with?: Record<string, unknown>;
  shell?: string;
  run?: string;
  env?: Record<string, string>;
  'working-directory'?: string;
}
interface ActionYaml {
  inputs: Record<string, { default?: string; description: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, { if?: string; permissions?: Record<string, string>; steps: Step[] }>;
}

const action = parse(readFileSync(join(repoRoot, 'action.yml'), 'utf8')) as ActionYaml;
const workflow = parse(readmeBlock('GitHub Action', 'yaml')) as Workflow;
const OWN_ACTION = /^async-review\/async-review@/;

// ---- a pull request on a remote, and its checkout ----

const WORKER_BASE = `import asyncio
import time


async def legacy_poll():
    time.sleep(5)


async def handler(request):
    return request
`;
const WORKER_PR = WORKER_BASE.replace('async def handler(request):\n', 'async def handler(request):\n    time.sleep(1)\n');
const STORAGE_BASE = 'async def load(path):\n    return path\n';
const STORAGE_PR = 'async def load(path):\n    with open(path) as file:\n        return file.read()\n';

let scratch: string;
let origin: string;
let actionTree: CommittedTree;

function commitFiles(repo: string, files: Record<string, string>, message: string): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(repo, path)), { recursive: true });
    writeFileSync(join(repo, path), content);
  }
  git(repo, ['add', '--all']);
  git(repo, ['commit', '--quiet', '--message', message]);
}

/** main: a few commits; the PR branches off three commits back and changes two files; main moves on after. */
function makeOrigin(): string {
  const repo = join(scratch, 'origin');
  mkdirSync(repo);
  git(repo, ['init', '--quiet', '--initial-branch=main']);
  // blocking-file-io is off by default: this repository turns it on, as a service that cares would.
  commitFiles(repo, { 'service/worker.py': WORKER_BASE, 'lib/storage.py': STORAGE_BASE, '.github/async-review.yml': 'rules:\n  blocking-file-io: warning\n' }, 'service');
  for (let n = 1; n <= 4; n++) commitFiles(repo, { 'CHANGES.txt': `change ${n}\n` }, `change ${n}`);
  git(repo, ['checkout', '--quiet', '-b', 'feature', 'HEAD~3']);
  commitFiles(repo, { 'service/worker.py': WORKER_PR }, 'handler sleeps');
  commitFiles(repo, { 'lib/storage.py': STORAGE_PR }, 'load reads the file');
  git(repo, ['checkout', '--quiet', 'main']);
  for (let n = 5; n <= 7; n++) commitFiles(repo, { 'CHANGES.txt': `change ${n}\n` }, `change ${n}`);
  // What GitHub keeps for pull request 1: its head, and the merge of the head into the base.
  git(repo, ['checkout', '--quiet', '--detach', 'main']);
  git(repo, ['merge', '--quiet', '--no-ff', '--message', 'Merge feature into main', 'feature']);
  git(repo, ['update-ref', 'refs/pull/1/merge', 'HEAD']);
  git(repo, ['update-ref', 'refs/pull/1/head', 'feature']);
  git(repo, ['checkout', '--quiet', 'main']);
  return repo;
}

/** As actions/checkout does for a pull_request event: one commit of refs/pull/1/merge, detached. */
function checkOut(): string {
  const workspace = mkdtempSync(join(scratch, 'workspace-'));
  git(workspace, ['init', '--quiet']);
  git(workspace, ['remote', 'add', 'origin', `file://${origin}`]);
  git(workspace, ['fetch', '--quiet', '--no-tags', '--depth=1', 'origin', '+refs/pull/1/merge:refs/remotes/pull/1/merge']);
  git(workspace, ['checkout', '--quiet', '--detach', 'refs/remotes/pull/1/merge']);
  return workspace;
}

// ---- the runner ----

interface Context {
  inputs: Record<string, string>;
  github: Record<string, unknown>;
  runner: Record<string, string>;
}

/** `${{ a.b-c || d.e }}`: property paths and `||`, all this action uses (anything else fails the test). */
function expand(template: string, context: Context): string {
  return template.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_match, expression: string) => {
    for (const alternative of expression.split('||').map((part) => part.trim())) {
      if (!/^[a-z_]+(\.[\w-]+)+$/i.test(alternative)) throw new Error(`unsupported expression: ${expression}`);
      const [root, ...path] = alternative.split('.');
      if (!(root! in context)) throw new Error(`unknown context in ${expression}`);
      let value: unknown = context[root as keyof Context];
      for (const key of path) value = value === null || value === undefined ? undefined : (value as Record<string, unknown>)[key];
      if (value !== undefined && value !== null && value !== '') return String(value);
    }
    return '';
  });
}

interface StepResult {
  name: string;
  code: number;
  stdout: string;
  stderr: string;
}

interface ActionRun {
  steps: StepResult[];
  /** The exit code of the first failing step, else 0 (a runner stops there). */
  code: number;
  outputs: Record<string, string>;
  stdout: string;
}

async function runAction(workspace: string, withInputs: Record<string, unknown>, only?: (step: Step) => boolean): Promise<ActionRun> {
  const inputs: Record<string, string> = {};
  for (const [name, input] of Object.entries(action.inputs)) inputs[name] = input.default ?? '';
  for (const [name, value] of Object.entries(withInputs)) {
    if (!(name in action.inputs)) throw new Error(`the workflow passes an input the action does not declare: ${name}`);
    inputs[name] = String(value);
  }
  const temp = mkdtempSync(join(scratch, 'runner-temp-'));
  const context: Context = {
    inputs,
    github: { action_path: actionTree.dir, base_ref: 'main', workspace, event_name: 'pull_request', event: { repository: { default_branch: 'main' } } },
    runner: { temp },
  };
  const steps: StepResult[] = [];
  const outputs: Record<string, string> = {};
  for (const step of action.runs.steps) {
    if (step.uses || (only && !only(step))) continue;
    const outputFile = join(temp, `output-${steps.length}`);
    writeFileSync(outputFile, '');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_ACTION_PATH: actionTree.dir,
      GITHUB_WORKSPACE: workspace,
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_BASE_REF: 'main',
      GITHUB_OUTPUT: outputFile,
      RUNNER_TEMP: temp,
    };
    for (const [name, value] of Object.entries(step.env ?? {})) env[name] = expand(value, context);
    const script = join(temp, `step-${steps.length}.sh`);
    writeFileSync(script, step.run!);
    const cwd = step['working-directory'] ? expand(step['working-directory'], context) : workspace;
    // As the runner runs `shell: bash`.
    const result = await exec('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd, env, timeout: 540_000, maxBuffer: 64 << 20 }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code?: number; stdout?: string; stderr?: string }) => ({ code: error.code ?? -1, stdout: error.stdout ?? '', stderr: error.stderr ?? '' }),
    );
    steps.push({ name: step.name ?? '', ...result });
    if (step.id) {
      for (const line of readFileSync(outputFile, 'utf8').split('\n')) {
        const match = /^([\w-]+)=(.*)$/.exec(line);
        if (match) outputs[`steps.${step.id}.outputs.${match[1]}`] = match[2]!;
      }
    }
    if (result.code !== 0) break;
  }
  const resolved: Record<string, string> = {};
  for (const [name, output] of Object.entries(action.outputs)) resolved[name] = outputs[output.value.replace(/^\$\{\{\s*|\s*\}\}$/g, '')] ?? '';
  return { steps, code: steps.find((step) => step.code !== 0)?.code ?? 0, outputs: resolved, stdout: steps.map((step) => step.stdout).join('') };
}

const ownSteps = (job: string) => workflow.jobs[job]!.steps.filter((step) => OWN_ACTION.test(step.uses ?? ''));
const annotations = (stdout: string) => stdout.split('\n').filter((line) => line.startsWith('::'));

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'async-review-action-'));
  origin = makeOrigin();
  actionTree = commitCurrentTree(join(scratch, 'action'));
  // The build step, once for every test (as a second use in one job would find it built).
  const build = await runAction(checkOut(), {}, (step) => step.name === 'Build async-review');
  expect(build.code, build.steps.map((step) => step.stderr).join('\n')).toBe(0);
  expect(existsSync(join(actionTree.dir, 'dist/src/cli/main.js'))).toBe(true);
}, 600_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('action.yml', () => {
  it('is a composite action on Node 22 whose scripts take inputs only through env', () => {
    expect(action.runs.using).toBe('composite');
    const [setup] = action.runs.steps;
    expect(setup!.uses).toMatch(/^actions\/setup-node@v\d+$/);
    expect(String(setup!.with!['node-version'])).toBe('22');
    for (const step of action.runs.steps.filter((entry) => entry.run)) {
      expect(step.shell).toBe('bash');
      // An input expanded into a script would be run as code.
      expect(step.run).not.toContain('${{');
    }
    expect(Object.keys(action.inputs).sort()).toEqual(['base', 'fail-on', 'fetch-depth', 'format', 'paths', 'sarif-file']);
  });

  it('builds once per job', async () => {
    const again = await runAction(checkOut(), {}, (step) => step.name === 'Build async-review');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('async-review is built');
  });
});

describe("the README's workflow", () => {
  it('runs on pull requests and pushes, annotates in one job and uploads SARIF in another', () => {
    expect(Object.keys(workflow.on)).toEqual(expect.arrayContaining(['pull_request', 'push']));
    expect(ownSteps('annotate')).toHaveLength(1);
    expect(ownSteps('annotate')[0]!.with!.format).toBe('github');
    const scanning = workflow.jobs['code-scanning']!;
    expect(scanning.permissions).toMatchObject({ 'security-events': 'write' });
    const [analysis] = ownSteps('code-scanning');
    expect(analysis!.with!.format).toBe('sarif');
    const upload = scanning.steps.find((step) => step.uses?.startsWith('github/codeql-action/upload-sarif@'));
    expect(upload?.with?.sarif_file).toBe(analysis!.with!['sarif-file']);
    // The SARIF is uploaded whatever the analysis finds: code scanning's own check judges the pull request.
    expect((analysis as Step & { 'continue-on-error'?: boolean })['continue-on-error']).toBe(true);
  });

  it('annotates the changed lines of the pull request in a shallow checkout, and fails on them', async () => {
    const workspace = checkOut();
    expect(git(workspace, ['rev-parse', '--is-shallow-repository']).trim()).toBe('true');
    const run = await runAction(workspace, ownSteps('annotate')[0]!.with!);
    const lines = annotations(run.stdout).sort();
    expect(lines).toEqual([
      expect.stringMatching(/^::error file=service\/worker\.py,line=10,.*title=async-review%3A blocking-sleep::`time\.sleep\(1\)`/),
      expect.stringMatching(/^::warning file=lib\/storage\.py,line=2,.*title=async-review%3A blocking-file-io::/),
    ]);
    // legacy_poll's sleep is older than the pull request: not annotated.
    expect(run.stdout).not.toContain('line=6,');
    expect(run.stdout).toContain('async-review: 2 finding(s) on the changed lines');
    expect(run.code).toBe(1);
  }, 120_000);

  it('writes SARIF of the whole checkout for upload-sarif', async () => {
    const [analysis] = ownSteps('code-scanning');
    const workspace = checkOut();
    const run = await runAction(workspace, analysis!.with!);
    const file = String(analysis!.with!['sarif-file']);
    expect(run.outputs['sarif-file']).toBe(file);
    const sarif = JSON.parse(readFileSync(join(workspace, file), 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    const results = sarif.runs[0].results.map((result: { ruleId: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }> }) =>
      `${result.locations[0]!.physicalLocation.artifactLocation.uri}:${result.locations[0]!.physicalLocation.region.startLine} ${result.ruleId}`,
    );
    expect(results.sort()).toEqual(['lib/storage.py:2 blocking-file-io', 'service/worker.py:10 blocking-sleep', 'service/worker.py:6 blocking-sleep']);
    // No fetch of the base: SARIF covers the whole checkout.
    expect(git(workspace, ['rev-parse', '--is-shallow-repository']).trim()).toBe('true');
    expect(git(workspace, ['branch', '--remotes']).trim()).toBe('pull/1/merge');
    // Errors in the checkout fail the step (the README's job continues to the upload).
    expect(run.code).toBe(1);
  }, 120_000);
});

describe('inputs', () => {
  it('paths and fail-on narrow the annotations and the verdict; fetch-depth 1 deepens until the merge-base', async () => {
    const run = await runAction(checkOut(), { format: 'github', 'fail-on': 'error', paths: 'lib/\n./docs', 'fetch-depth': '1' });
    expect(annotations(run.stdout)).toEqual([expect.stringMatching(/^::warning file=lib\/storage\.py,line=2,/)]);
    expect(run.stdout).toContain('1 finding(s) on the changed lines, 0 at or above error');
    expect(run.code).toBe(0);
  }, 120_000);

  it('base names the branch to compare with', async () => {
    const run = await runAction(checkOut(), { base: 'feature' });
    expect(annotations(run.stdout)).toEqual([]);
    expect(run.stdout).toContain('no asyncio pitfall on the changed lines');
    expect(run.code).toBe(0);
  }, 120_000);

  it('sarif with paths reports only there, and fail-on info fails on anything', async () => {
    const workspace = checkOut();
    const run = await runAction(workspace, { format: 'sarif', 'sarif-file': 'reports/async.sarif', paths: 'service', 'fail-on': 'info' });
    const sarif = JSON.parse(readFileSync(join(workspace, 'reports/async.sarif'), 'utf8'));
    expect(sarif.runs[0].results.map((result: { ruleId: string }) => result.ruleId)).toEqual(['blocking-sleep', 'blocking-sleep']);
    expect(run.code).toBe(1);
  }, 120_000);

  it('refuses an unknown format', async () => {
    const run = await runAction(checkOut(), { format: 'junit' });
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('::error title=async-review::format must be github or sarif, not "junit"');
  });
});

describe('async-review review in a shallow checkout', () => {
  it('says the base is missing and how to fetch it', async () => {
    const workspace = checkOut();
    git(workspace, ['fetch', '--quiet', '--no-tags', '--depth=1', 'origin', '+refs/heads/main:refs/remotes/origin/main']);
    const result = await exec(process.execPath, [join(actionTree.dir, 'dist/src/cli/main.js'), 'review', '--base', 'origin/main'], { cwd: workspace }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('the base is missing: this checkout is shallow and holds no commit where origin/main and HEAD meet');
    expect(result.stderr).toContain('git fetch --unshallow');
    expect(result.stderr).toContain('git fetch --deepen=100 origin main');
  });
});
