// `check` with repository context: imports resolve against the repository root (the nearest folder with .git or
// a pyproject.toml), also when one file is checked from inside the package; --no-follow-imports and the config's
// `imports.follow: false` turn it off.
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeProject, runCli } from '../helpers/cli.js';

const FIXTURE = join(import.meta.dirname, '../fixtures/projects/billing');

function copyOfFixture(): string {
  const root = makeProject({});
  cpSync(FIXTURE, root, { recursive: true });
  return root;
}

const found = (stdout: string) => (JSON.parse(stdout) as { findings: { path: string; line: number; rule: string }[] }).findings.map((f) => `${f.path}:${f.line} ${f.rule}`);

describe('check follows imports', () => {
  it('reports the cross-module pitfalls of one checked file, resolving against the repository root', () => {
    const root = copyOfFixture();
    const { stdout } = runCli(['check', '--format', 'json', 'src/billing/api.py'], root);
    expect(found(stdout)).toEqual([
      'src/billing/api.py:14 missing-await',
      'src/billing/api.py:20 missing-await',
      'src/billing/api.py:21 missing-await',
      'src/billing/api.py:23 sync-with-async-context-manager',
      'src/billing/api.py:36 sync-with-async-context-manager',
      'src/billing/api.py:41 sync-for-over-async-iterator',
      'src/billing/api.py:49 blocking-via-helper',
      'src/billing/api.py:54 nested-event-loop',
      'src/billing/api.py:58 missing-await',
      'src/billing/api.py:62 coroutine-in-thread',
      'src/billing/api.py:69 missing-await',
      'src/billing/api.py:73 missing-await',
      'src/billing/api.py:81 missing-await',
      'src/billing/api.py:82 missing-await',
      'src/billing/api.py:88 missing-await',
      'src/billing/api.py:92 await-sync-function',
    ]);
  });

  it('from inside the package, paths in messages are relative to the working directory', () => {
    const root = copyOfFixture();
    const { stdout } = runCli(['check', '--format', 'json', 'api.py'], join(root, 'src/billing'));
    const findings = (JSON.parse(stdout) as { findings: { line: number; message: string }[] }).findings;
    expect(findings.find((f) => f.line === 49)?.message).toContain('(retry.py:6)');
  });

  it('checks the whole project without reporting the look-alikes', () => {
    const root = copyOfFixture();
    const { stdout } = runCli(['check', '--format', 'json', '.'], root);
    expect(found(stdout).filter((line) => !line.startsWith('src/billing/api.py'))).toEqual([]);
  });

  it('analyzes a module that says nothing async when it calls a coroutine it imports from the project', () => {
    const root = copyOfFixture();
    // Nothing here says async or await: without the index the file would be skipped unparsed.
    writeFileSync(join(root, 'src/billing/nightly.py'), 'from billing.db import fetch_invoice\n\n\ndef main():\n    fetch_invoice(1)\n    print(", ".join(["a", "b"]))\n');
    // A look-alike: its own sync function of the same name, nothing imported from billing.db.
    writeFileSync(join(root, 'src/billing/offline.py'), 'def fetch_invoice(invoice_id):\n    return invoice_id\n\n\ndef main():\n    fetch_invoice(1)\n');
    const lines = found(runCli(['check', '--format', 'json', 'src/billing/nightly.py', 'src/billing/offline.py', 'src/billing/api.py'], root).stdout);
    expect(lines.filter((line) => !line.startsWith('src/billing/api.py'))).toEqual(['src/billing/nightly.py:5 missing-await']);
  });

  it('--no-follow-imports and imports.follow: false analyze each file alone', () => {
    const root = copyOfFixture();
    expect(found(runCli(['check', '--format', 'json', '--no-follow-imports', 'src/billing/api.py'], root).stdout)).toEqual([]);
    writeFileSync(join(root, 'pyproject.toml'), '[project]\nname = "billing"\n\n[tool.async-review]\nimports = { follow = false }\n');
    expect(found(runCli(['check', '--format', 'json', 'src/billing/api.py'], root).stdout)).toEqual([]);
  });

  it('imports.source_roots decides where absolute imports resolve', () => {
    const root = copyOfFixture();
    writeFileSync(join(root, 'pyproject.toml'), '[project]\nname = "billing"\n\n[tool.async-review]\nimports = { source_roots = ["."] }\n');
    // `from billing import ...` no longer resolves (billing lives under src/); the relative import still does.
    expect(found(runCli(['check', '--format', 'json', 'src/billing/api.py'], root).stdout)).toEqual(['src/billing/api.py:58 missing-await']);
  });
});

describe('projects side by side (a monorepo, vendored trees) do not see each other', () => {
  const twoProjects = () =>
    makeProject({
      // Two projects whose folders are no package names: each is a source root of its own.
      'svc-a/app/__init__.py': '',
      'svc-a/app/db.py': 'async def fetch(key):\n    return key\n',
      'svc-a/app/api.py': 'from app import db\n\n\nasync def handle(key):\n    db.fetch(key)\n',
      'svc-b/app/__init__.py': '',
      'svc-b/app/db.py': 'def fetch(key):\n    return key\n',
      'svc-b/app/api.py': 'from app import db\n\n\nasync def handle(key):\n    db.fetch(key)\n',
      // A third-party name in one project, a module of that name in the other.
      'bot-one/bot/__init__.py': '',
      'bot-one/bot/slack.py': 'from slackclient import SlackClient\n\n\nasync def connect(token):\n    client = SlackClient(token)\n    client.rtm_connect()\n',
      'relay-two/slackclient.py': 'class SlackClient:\n    async def rtm_connect(self):\n        pass\n',
      'relay-two/relay.py': 'from slackclient import SlackClient\n\n\nasync def connect():\n    SlackClient().rtm_connect()\n',
      'pyproject.toml': '[project]\nname = "mono"\n',
    });

  it("a module of one project answers only that project's imports", () => {
    const root = twoProjects();
    const lines = found(runCli(['check', '--format', 'json', '.'], root).stdout);
    expect(lines).toEqual(['relay-two/relay.py:5 missing-await', 'svc-a/app/api.py:5 missing-await']);
  });

  it('a shared library listed in imports.source_roots is seen by every project', () => {
    const files = {
      '.git/HEAD': 'ref: refs/heads/main\n',
      'libs/common-lib/common/__init__.py': '',
      'libs/common-lib/common/db.py': 'async def fetch(key):\n    return key\n',
      'svc-b/app/__init__.py': '',
      'svc-b/app/api.py': 'from common import db\n\n\nasync def handle(key):\n    db.fetch(key)\n',
    };
    expect(found(runCli(['check', '--format', 'json', '.'], makeProject(files)).stdout)).toEqual([]);
    const shared = makeProject({ ...files, 'pyproject.toml': '[project]\nname = "mono"\n\n[tool.async-review]\nimports = { source_roots = [".", "src", "libs/common-lib"] }\n' });
    expect(found(runCli(['check', '--format', 'json', '.'], shared).stdout)).toEqual(['svc-b/app/api.py:5 missing-await']);
  });

  it('the same when one file is checked', () => {
    const root = twoProjects();
    expect(found(runCli(['check', '--format', 'json', 'bot-one/bot/slack.py', 'relay-two/relay.py', 'svc-b/app/api.py'], root).stdout)).toEqual(['relay-two/relay.py:5 missing-await']);
  });
});

describe('repository context on worker threads', () => {
  it('every thread sees the index: a large project reports each cross-module missing await', () => {
    // Over the parallel threshold (512 KB of candidate source), so worker threads analyze part of the files.
    const padding = Array.from({ length: 200 }, (_, i) => `async def pad_${i}(x):\n    await asyncio.sleep(0)\n    return x + ${i}\n`).join('\n\n');
    const files: Record<string, string> = {
      '.git/HEAD': 'ref: refs/heads/main\n',
      'shop/__init__.py': '',
      'shop/db.py': 'async def fetch(key):\n    return key\n',
    };
    for (let n = 0; n < 80; n++) files[`shop/view_${n}.py`] = `import asyncio\n\nfrom shop import db\n\n\nasync def handle(key):\n    db.fetch(key)\n\n\n${padding}\n`;
    const root = makeProject(files);
    const lines = found(runCli(['check', '--format', 'json', '--threads', '2', '.'], root).stdout);
    expect(lines.filter((line) => line.endsWith(':7 missing-await'))).toHaveLength(80);
  });
});

describe('a repository with more modules than one pull request reaches', () => {
  it('check . knows every module its files import, past the 2,000 a PR review holds', () => {
    const files: Record<string, string> = { '.git/HEAD': 'ref: refs/heads/main\n' };
    const count = 2100;
    for (let n = 0; n < count; n++) files[`pkg/m${n}.py`] = `from pkg import m${(n + 1) % count}\n\n\nasync def f():\n    m${(n + 1) % count}.f()\n`;
    files['pkg/__init__.py'] = '';
    const lines = found(runCli(['check', '--format', 'json', '--no-cache', '.'], makeProject(files)).stdout);
    expect(lines.filter((line) => line.endsWith(':5 missing-await'))).toHaveLength(count);
  }, 60_000);

  it('one checked file keeps every module it reaches, however many (a bound would drop the last ones)', () => {
    const root = makeProject({});
    const count = 2100; // past the 2,000 modules a review's index holds
    const names = Array.from({ length: count }, (_, i) => `m${i}`);
    for (const name of names) writeFileSync(join(root, `${name}.py`), name === names.at(-1) ? 'async def fetch():\n    return 1\n' : 'def fetch():\n    return 1\n');
    writeFileSync(join(root, 'main.py'), `${names.map((name) => `import ${name}`).join('\n')}\n\n\nasync def handler():\n    ${names.at(-1)}.fetch()\n`);
    const { stdout } = runCli(['check', '--format', 'json', '--no-cache', 'main.py'], root);
    expect(found(stdout)).toEqual([`main.py:${count + 4} missing-await`]);
  }, 60_000);
});

describe('an installed tree (a folder with the distribution metadata, as Debian ships a package)', () => {
  it('names modules from the folder holding the distribution metadata, namespace packages and test folders without __init__.py included', () => {
    const root = makeProject({
      'python3-ns/ns_pkg-1.0.dist-info/METADATA': 'Metadata-Version: 2.1\nName: ns-pkg\nRequires-Python: >=3.8\n',
      // `ns` is a namespace package (no __init__.py); `tests/network` has none either, as pytest allows.
      'python3-ns/ns/core/__init__.py': '',
      'python3-ns/ns/core/tests/__init__.py': '',
      'python3-ns/ns/core/tests/util.py': 'import unittest\n\n\nclass WorkflowTestCase(unittest.TestCase):\n    def setUp(self):\n        self.ready = True\n\n\nclass AsyncWorkflowTestCase(unittest.IsolatedAsyncioTestCase):\n    pass\n',
      'python3-ns/ns/core/tests/network/test_publisher.py': [
        'from ns.core.tests.util import AsyncWorkflowTestCase, WorkflowTestCase',
        '',
        '',
        'class TestPublisher(WorkflowTestCase):',
        '    async def test_publish(self):',
        '        self.assertTrue(self.ready)',
        '',
        '',
        'class TestAsyncPublisher(AsyncWorkflowTestCase):',
        '    async def test_publish(self):',
        '        self.assertTrue(True)',
        '',
      ].join('\n'),
    });
    const { stdout } = runCli(['check', '--format', 'json', '--no-cache', '--select', 'async-test-in-sync-testcase', 'python3-ns'], root);
    expect(found(stdout)).toEqual(['python3-ns/ns/core/tests/network/test_publisher.py:5 async-test-in-sync-testcase']);
  });
});
