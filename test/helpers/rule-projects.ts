import type { ProjectKnowledge } from '../../src/analyzer/types.js';

/** What a rule needs to know of the project before it reports at all, for tests of its examples and fixture:
 *  async-test-without-runner, that the project's test dependencies name pytest-asyncio, anyio and pytest-trio
 *  and no plugin that runs unmarked coroutine tests. */
export const RULE_PROJECTS: Readonly<Record<string, ProjectKnowledge>> = {
  'async-test-without-runner': { asyncTestMarks: ['anyio', 'asyncio', 'trio'] },
};
