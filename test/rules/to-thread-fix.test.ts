// The `await asyncio.to_thread(...)` fixes of blocking-file-io and blocking-input must be correct Python as
// they stand: parenthesised where `await` would bind too loosely, absent where `await` would change meaning.
import { describe, expect, it } from 'vitest';
import blockingFileIo from '../../rules/blocking-file-io.js';
import blockingInput from '../../rules/blocking-input.js';
import { fixedBody } from '../helpers/analyze.js';

const rules = [blockingFileIo, blockingInput];

function fixed(body: string, imports = 'import asyncio\nimport os\nfrom pathlib import Path\n'): Promise<string> {
  return fixedBody(`${imports}\n\nasync def handler(p, paths):\n`, body, rules);
}

describe('to_thread fixes', () => {
  it('passes the function and its arguments, keywords included', async () => {
    expect(await fixed('    return os.path.getsize(p) * 2')).toBe('    return await asyncio.to_thread(os.path.getsize, p) * 2');
    expect(await fixed('    Path(p).write_text("x", encoding="utf-8")')).toBe('    await asyncio.to_thread(Path(p).write_text, "x", encoding="utf-8")');
    expect(await fixed('    name = input()')).toBe('    name = await asyncio.to_thread(input)');
  });

  it('offers no fix where a local named asyncio hides the module', async () => {
    expect(await fixed('    asyncio = p\n    name = input()')).toBe('    asyncio = p\n    name = input()');
  });

  it('parenthesises a call whose result is used as an object', async () => {
    expect(await fixed('    return Path(p).read_text().strip()')).toBe('    return (await asyncio.to_thread(Path(p).read_text)).strip()');
    expect(await fixed('    return input("n")[0]')).toBe('    return (await asyncio.to_thread(input, "n"))[0]');
  });

  it('drops comments between arguments instead of commenting out the closing parenthesis', async () => {
    expect(await fixed('    answer = input(  # ask\n        "q"\n    )')).toBe('    answer = await asyncio.to_thread(input, "q")');
  });

  it('uses the name asyncio is imported under', async () => {
    expect(await fixed('    return os.path.exists(p)', 'import asyncio as aio\nimport os\n')).toBe('    return await aio.to_thread(os.path.exists, p)');
  });

  it('offers no fix where `await` would be wrong or impossible', async () => {
    const unchanged = async (body: string, header?: string) => expect(await fixed(body, header)).toBe(body);
    await unchanged('    return any(os.path.exists(q) for q in paths)');
    await unchanged('    return os.path.exists(p)', 'import os\n');
    await unchanged('    return await Path(p).exists()');
    await unchanged('    return sum(os.path.getsize(q) for q in paths)');
  });
});
