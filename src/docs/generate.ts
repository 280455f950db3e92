#!/usr/bin/env node
// `npm run docs`: writes docs/rules/NAME.md for every rule and docs/rules/README.md, and removes pages of
// rules that no longer exist. Run from the repository root.
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { allRules } from '../../rules/index.js';
import { renderRuleDocs, RULE_DOCS_DIR } from './rule-docs.js';

const directory = join(process.cwd(), RULE_DOCS_DIR);
const files = renderRuleDocs(allRules);
await mkdir(directory, { recursive: true });
for (const [name, content] of files) await writeFile(join(directory, name), content);
const stale = (await readdir(directory)).filter((name) => name.endsWith('.md') && !files.has(name));
for (const name of stale) await rm(join(directory, name));
process.stdout.write(`${RULE_DOCS_DIR}: ${files.size} files written${stale.length ? `, ${stale.length} removed (${stale.join(', ')})` : ''}\n`);
