import type { Finding } from '../../src/analyzer/types.js';

/** A blocking-sleep finding with a fix, as the renderers get it; `overrides` change any field. */
export function sampleFinding(overrides: Partial<Finding> = {}): Finding {
  return {
    rule: 'blocking-sleep',
    severity: 'error',
    path: 'app/main.py',
    line: 4,
    column: 5,
    endLine: 4,
    endColumn: 18,
    message: '`time.sleep()` blocks the event loop in `main()`',
    code: '    time.sleep(1)',
    fix: { line: 4, endLine: 4, replacement: '    await asyncio.sleep(1)' },
    corrected: '    await asyncio.sleep(1)',
    ...overrides,
  };
}
