// Messages quote the code they are about on one line: a comment inside the quoted code is left out, or it would
// read as part of the code (and swallow what follows it).
import { describe, expect, it } from 'vitest';
import timeoutWithoutAwait from '../../rules/timeout-without-await.js';
import { findingsIn } from '../helpers/analyze.js';

describe('quoted code in messages', () => {
  it('leaves out comments inside the quoted node', async () => {
    const source = 'import asyncio\n\n\nasync def f():\n    async with asyncio.timeout_at(  # the deadline\n        10\n    ):\n        pass\n';
    const [finding] = await findingsIn(source, { rules: [timeoutWithoutAwait] });
    expect(finding.message).toContain('`asyncio.timeout_at( 10 )`');
    expect(finding.message).not.toContain('deadline');
  });
});
