// The README's copy-paste snippets are the ones the tests run: each test reads its fenced block from here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './committed-tree.js';

/** The fenced blocks (```lang … ```) of the README section under `heading` (any level), in order. */
export function readmeBlocks(heading: string, lang: string): string[] {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const lines = readme.split('\n');
  const start = lines.findIndex((line) => /^#{2,6} /.test(line) && line.replace(/^#+ /, '').trim() === heading);
  if (start < 0) throw new Error(`README.md has no heading "${heading}"`);
  const level = /^#+/.exec(lines[start]!)![0].length;
  const blocks: string[] = [];
  let body: string[] | null = null;
  let fence = '';
  let keep = false;
  for (const line of lines.slice(start + 1)) {
    if (body !== null) {
      if (line.trim() === fence) {
        if (keep) blocks.push(`${body.join('\n')}\n`);
        body = null;
      } else {
        body.push(line);
      }
      continue;
    }
    const sub = /^(#+) /.exec(line);
    if (sub && sub[1]!.length <= level) break;
    const open = /^(`{3,})([\w-]*)\s*$/.exec(line);
    if (open) {
      fence = open[1]!;
      keep = open[2] === lang;
      body = [];
    }
  }
  if (blocks.length === 0) throw new Error(`README.md: no \`\`\`${lang} block under "${heading}"`);
  return blocks;
}

export function readmeBlock(heading: string, lang: string): string {
  const blocks = readmeBlocks(heading, lang);
  if (blocks.length !== 1) throw new Error(`README.md: ${blocks.length} \`\`\`${lang} blocks under "${heading}", expected one`);
  return blocks[0]!;
}
