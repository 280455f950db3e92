// The last line of the terminal formats: how many findings in how many files, and how many a fix can settle.
import type { Finding } from '../analyzer/types.js';
import type { Painter } from './paint.js';

export interface SummaryOptions {
  /** Say that `--fix` applies the fixes (`check`), rather than that they exist (`review`). */
  fixHint?: boolean;
}

export function findingsSummary(findings: readonly Finding[], paint: Painter, options: SummaryOptions = {}): string {
  if (findings.length === 0) return paint.green('No asyncio pitfalls found.');
  const fixable = findings.filter((f) => f.fix).length;
  const files = new Set(findings.map((f) => f.path)).size;
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  const fixes = fixable === 0 ? '' : options.fixHint ? ` (${fixable} fixable with \`--fix\`)` : ` (${fixable} with a mechanical fix)`;
  return `Found ${plural(findings.length, 'finding')} in ${plural(files, 'file')}${fixes}.`;
}
