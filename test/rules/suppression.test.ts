// Suppression comments as users write them: only real comments count (the same text inside a string literal
// suppresses nothing), and ruff's / flake8's file-level `noqa` work as in those tools.
import { describe, expect, it } from 'vitest';
import blockingSleep from '../../rules/blocking-sleep.js';
import blockingInput from '../../rules/blocking-input.js';
import { findingsIn } from '../helpers/analyze.js';

const HEAD = 'import asyncio\nimport time\n\n\nasync def f():\n';
const lines = async (source: string) => (await findingsIn(source, { rules: [blockingSleep, blockingInput] })).map((f) => `${f.line}:${f.rule}`);

describe('suppression comments', () => {
  it('ignores noqa and ignore[...] text inside string literals', async () => {
    expect(await lines(`${HEAD}    x = "# noqa"; time.sleep(1)\n`)).toEqual(['6:blocking-sleep']);
    expect(await lines(`${HEAD}    time.sleep(len("# async-review: ignore"))\n`)).toEqual(['6:blocking-sleep']);
    expect(await lines(`${HEAD}    time.sleep(1) or print(f"{1} # noqa")\n`)).toEqual(['6:blocking-sleep']);
    expect(await lines(`${HEAD}    time.sleep(len("""\n# noqa\n"""))\n`)).toEqual(['6:blocking-sleep']);
  });

  it('ignores noqa text inside a string of many comment-like lines (blanked for parsing like a comment run)', async () => {
    const commentLike = Array.from({ length: 70 }, (_, i) => `# line ${i}`).join('\n');
    const fileNoqa = `import time\n\nHELP = """\n# ruff: noqa\n${commentLike}\n"""\n\n\nasync def f():\n    time.sleep(1)\n`;
    expect(await lines(fileNoqa)).toEqual([`${fileNoqa.split('\n').findIndex((line) => line.includes('time.sleep')) + 1}:blocking-sleep`]);
    const lineNoqa = `import time\n\n\nasync def f():\n    time.sleep(len("""\n# noqa\n${commentLike}\n"""))\n`;
    expect(await lines(lineNoqa)).toEqual(['5:blocking-sleep']);
    // A real run of comment lines still suppresses.
    expect(await lines(`import time\n# ruff: noqa\n${commentLike}\n\n\nasync def f():\n    time.sleep(1)\n`)).toEqual([]);
  });

  it('still reads the real comment after a string holding a #', async () => {
    expect(await lines(`${HEAD}    x = "#"; time.sleep(1)  # noqa: ASYNC251\n`)).toEqual([]);
    expect(await lines(`${HEAD}    time.sleep(\n        # noqa: ASYNC251\n        1\n    )\n`)).toEqual([]);
  });

  it('does not read a longer word as the ignore directive', async () => {
    expect(await lines(`${HEAD}    time.sleep(1)  # async-review: ignored-for-now\n`)).toEqual(['6:blocking-sleep']);
  });

  it('skips a file only for a skip-file comment, not one inside a string', async () => {
    expect(await lines(`"""Doc."""\n# async-review: skip-file\n${HEAD}    time.sleep(1)\n`)).toEqual([]);
    expect(await lines(`X = """\n# async-review: skip-file\n"""\n${HEAD}    time.sleep(1)\n`)).toEqual(['9:blocking-sleep']);
  });

  it("honours ruff's and flake8's file-level noqa", async () => {
    expect(await lines(`# ruff: noqa\n${HEAD}    time.sleep(1)\n`)).toEqual([]);
    expect(await lines(`# flake8: noqa\n${HEAD}    time.sleep(1)\n`)).toEqual([]);
    expect(await lines(`# ruff: noqa: ASYNC251\n${HEAD}    time.sleep(1)\n    input()\n`)).toEqual(['8:blocking-input']);
    expect(await lines(`# ruff: noqa: E501\n${HEAD}    time.sleep(1)\n`)).toEqual(['7:blocking-sleep']);
    expect(await lines(`X = "# ruff: noqa"\n${HEAD}    time.sleep(1)\n`)).toEqual(['7:blocking-sleep']);
    // As in ruff and flake8, only on a line of its own: after code it exempts nothing.
    expect(await lines(`X = 1  # ruff: noqa\n${HEAD}    time.sleep(1)\n`)).toEqual(['7:blocking-sleep']);
  });
});
