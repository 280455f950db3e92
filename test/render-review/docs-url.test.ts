// Rule-doc links (review comments, the check's summary, SARIF's helpUri) point at async-review's own
// docs/rules/, or wherever DOCS_URL says: a folder holding NAME.md, or a pattern with {rule}.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { allRules } from '../../rules/index.js';
import { sampleFinding } from '../helpers/findings.js';
import { RULE_DOCS_BASE_URL, ruleDocsLocation, ruleDocsUrl } from '../../src/render/links.js';
import { planReview, renderCommentBody, type RuleLookup } from '../../src/render/review.js';
import { renderSarif } from '../../src/render/sarif.js';
import { renderCheckOutput } from '../../src/render/summary.js';
import { makeProject, runCli } from '../helpers/cli.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const saved = process.env.DOCS_URL;

afterEach(() => {
  if (saved === undefined) delete process.env.DOCS_URL;
  else process.env.DOCS_URL = saved;
  vi.resetModules();
});

const finding = sampleFinding();
const rules: RuleLookup = (name) => ({ name, aliases: [], why: `Why ${name} matters.` });
const item = { finding, placement: { kind: 'inline' as const, startLine: 4, line: 4, suggestion: true }, onChangedLines: true, fingerprint: 'f'.repeat(20) };

describe('the default', () => {
  it("is this repository's docs/rules/, where every rule has its page", () => {
    delete process.env.DOCS_URL;
    const manifest = parse(readFileSync(join(root, 'app.yml'), 'utf8')) as { url: string };
    expect(RULE_DOCS_BASE_URL).toBe(`${manifest.url}/blob/main/docs/rules`);
    for (const rule of allRules) {
      expect(ruleDocsUrl(rule.name)).toBe(`${RULE_DOCS_BASE_URL}/${rule.name}.md`);
      expect(existsSync(join(root, 'docs/rules', `${rule.name}.md`)), rule.name).toBe(true);
    }
  });

  it('applies when DOCS_URL is empty', () => {
    expect(ruleDocsUrl('busy-wait', { DOCS_URL: ' ' })).toBe(`${RULE_DOCS_BASE_URL}/busy-wait.md`);
  });
});

describe('DOCS_URL', () => {
  it('as a folder: NAME.md appended, trailing slashes ignored', () => {
    const env = { DOCS_URL: 'https://ghe.example.com/tools/async-review/blob/v1/docs/rules/' };
    expect(ruleDocsUrl('blocking-sleep', env)).toBe('https://ghe.example.com/tools/async-review/blob/v1/docs/rules/blocking-sleep.md');
  });

  it('as a pattern: {rule} replaced by the name', () => {
    expect(ruleDocsUrl('busy-wait', { DOCS_URL: 'https://docs.example.com/async/{rule}.html' })).toBe('https://docs.example.com/async/busy-wait.html');
    expect(ruleDocsUrl('busy-wait', { DOCS_URL: 'http://intranet/lint?tool=async-review&rule={rule}' })).toBe('http://intranet/lint?tool=async-review&rule=busy-wait');
  });

  it('refuses what is not an http(s) URL', () => {
    expect(() => ruleDocsLocation({ DOCS_URL: 'docs/rules' })).toThrow(/DOCS_URL is not a URL: "docs\/rules"/);
    expect(() => ruleDocsLocation({ DOCS_URL: 'file:///srv/docs' })).toThrow(/DOCS_URL must be an http\(s\) URL, not file:/);
  });

  it('reaches review comments, the check summary and SARIF', () => {
    process.env.DOCS_URL = 'https://docs.example.com/async-review/{rule}';
    expect(renderCommentBody(item, rules)).toContain('[rule docs](https://docs.example.com/async-review/blocking-sleep)');
    const check = renderCheckOutput({ plan: planReview([item], { maxComments: 30 }), failOn: 'error', filesAnalyzed: 1 });
    expect(check.summary).toContain('| [blocking-sleep](https://docs.example.com/async-review/blocking-sleep) | error | 1 |');
    const sarif = JSON.parse(renderSarif([finding], allRules, '0.0.0'));
    const driver = sarif.runs[0].tool.driver;
    expect(driver.rules.find((rule: { id: string }) => rule.id === 'busy-wait').helpUri).toBe('https://docs.example.com/async-review/busy-wait');
    expect(driver.informationUri).toBe('https://docs.example.com/async-review');
  });

  it("reaches the CLI's SARIF", () => {
    const project = makeProject({ 'poll.py': 'import asyncio\nimport time\n\n\nasync def poll():\n    time.sleep(1)\n' });
    process.env.DOCS_URL = 'https://ghe.example.com/mirror/async-review/blob/main/docs/rules';
    const { stdout } = runCli(['check', '--format', 'sarif', '.'], project);
    const rule = JSON.parse(stdout).runs[0].tool.driver.rules.find((entry: { id: string }) => entry.id === 'blocking-sleep');
    expect(rule.helpUri).toBe('https://ghe.example.com/mirror/async-review/blob/main/docs/rules/blocking-sleep.md');
  });

  it('stops the App at start-up when malformed', async () => {
    process.env.DOCS_URL = 'docs.example.com/rules';
    vi.resetModules();
    await expect(import('../../src/index.js')).rejects.toThrow(/DOCS_URL is not a URL/);
  });
});
