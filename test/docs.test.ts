// docs/rules/ is generated from rules/ (npm run docs): this fails when a page is missing, stale or extra.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allRules } from '../rules/index.js';
import { renderRuleDocs, RULE_DOCS_DIR } from '../src/docs/rule-docs.js';

const directory = join(new URL('..', import.meta.url).pathname, RULE_DOCS_DIR);
const expected = renderRuleDocs(allRules);
const outOfDate = 'docs/rules is out of date: run `npm run docs` and commit the result';

describe('rule documentation', () => {
  it('has one page per rule and an index', () => {
    expect(expected.size).toBe(allRules.length + 1);
    for (const rule of allRules) expect(expected.get(`${rule.name}.md`)).toContain(rule.good.trimEnd());
    for (const rule of allRules) expect(expected.get('README.md')).toContain(`[${rule.name}](${rule.name}.md)`);
  });

  it.each([...expected.keys()])('%s is up to date', async (name) => {
    const path = join(directory, name);
    expect(existsSync(path), `${outOfDate} (${name} is missing)`).toBe(true);
    expect(await readFile(path, 'utf8'), outOfDate).toBe(expected.get(name));
  });

  it('has no page for a rule that does not exist', async () => {
    const pages = existsSync(directory) ? (await readdir(directory)).filter((name) => name.endsWith('.md')) : [];
    expect(pages.filter((name) => !expected.has(name)), outOfDate).toEqual([]);
  });
});
