import type { ProjectKnowledge } from '../../src/analyzer/types.js';

/** What a rule needs to know of the project before it reports at all, for tests of its examples and fixture:
 *  async-test-without-runner, that the project's test dependencies name pytest-asyncio, anyio and pytest-trio
 *  and no plugin that runs unmarked coroutine tests; timeout-error-alias, that it supports Python 3.10. */
export const RULE_PROJECTS: Readonly<Record<string, ProjectKnowledge>> = {
  'async-test-without-runner': { asyncTestMarks: ['anyio', 'asyncio', 'trio'] },
  // Reported only where the project supports 3.10 or older (a project that declares nothing runs on 3.11+).
  'timeout-error-alias': { targetPython: { oldest: [3, 10] } },
};
