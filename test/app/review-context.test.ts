// reviewChanges with repository context: the ChangeSet's ProjectContext reaches the analysis, so a changed
// file's call of a coroutine defined in an unchanged module is found; `imports.follow: false` turns it off.
import { describe, expect, it } from 'vitest';
import { reviewChanges } from '../../src/app/review-changes.js';
import { DEFAULT_CONFIG } from '../../src/config/index.js';
import type { ProjectContext } from '../../src/analyzer/project/module-source.js';

const HEAD: Record<string, string> = {
  'src/shop/__init__.py': 'from .orders import place_order\n',
  'src/shop/orders.py': 'import asyncio\n\n\nasync def place_order(item):\n    await asyncio.sleep(0)\n',
};
const CHANGED = { path: 'src/shop/api.py', content: 'from shop import place_order\n\n\nasync def buy(item):\n    place_order(item)\n' };

function headTree(): ProjectContext & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    source: {
      listPaths: async () => new Set([...Object.keys(HEAD), CHANGED.path]),
      contentId: (path) => `sha-of-${path}`,
      read: async (paths) => {
        reads.push(...paths);
        return new Map(paths.filter((path) => path in HEAD).map((path) => [path, HEAD[path]!]));
      },
    },
  };
}

describe('reviewChanges with a ProjectContext', () => {
  it('finds the forgotten await of a coroutine that an unchanged module defines, naming where', async () => {
    const context = headTree();
    const review = await reviewChanges({ files: [CHANGED], changes: new Map([[CHANGED.path, null]]), config: DEFAULT_CONFIG, context });
    expect(review.analysis.findings.map((f) => [f.line, f.rule])).toEqual([[5, 'missing-await']]);
    expect(review.analysis.findings[0]!.message).toContain('`place_order` is a coroutine function, src/shop/orders.py:4');
    expect(context.reads.sort()).toEqual(['src/shop/__init__.py', 'src/shop/orders.py']);
  });

  it('reads nothing when the config says imports.follow: false', async () => {
    const context = headTree();
    const config = { ...DEFAULT_CONFIG, imports: { follow: false, source_roots: ['.', 'src'] } };
    const review = await reviewChanges({ files: [CHANGED], changes: new Map([[CHANGED.path, null]]), config, context });
    expect(review.analysis.findings).toEqual([]);
    expect(context.reads).toEqual([]);
  });
});
