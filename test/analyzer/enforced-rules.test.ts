// A rule off by default runs by default in modules that import a library whose runtime enforces it: Home
// Assistant detects file I/O in its event loop and asks users to report it against the integration, so
// blocking-file-io (and blocking-via-helper) report there without any configuration, and nowhere else.
import { describe, expect, it } from 'vitest';
import { allRules } from '../../rules/index.js';
import { analyzeFiles, createEngine } from '../../src/analyzer/index.js';
import type { AnalyzeOptions } from '../../src/analyzer/types.js';

async function rulesReported(source: string, options: AnalyzeOptions = {}, path = 'custom_components/govee/__init__.py'): Promise<string[]> {
  const engine = await createEngine(options, allRules);
  const { findings } = await analyzeFiles([{ path, content: source }], options, engine);
  return findings.map((finding) => `${finding.line} ${finding.rule}`);
}

const SETUP = `
async def async_setup_entry(hass, entry):
    with open(hass.config.path("govee.json")) as handle:
        entry.runtime_data = handle.read()
    return True
`;

describe('rules a library enforces', () => {
  it('report by default in a Home Assistant integration', async () => {
    expect(await rulesReported(`from homeassistant.core import HomeAssistant\n${SETUP}`)).toEqual(['4 blocking-file-io']);
    expect(await rulesReported(`import homeassistant.helpers.config_validation as cv\n${SETUP}`)).toEqual(['4 blocking-file-io']);
  });

  it('stay off by default where nothing enforces them', async () => {
    expect(await rulesReported(`import json\n${SETUP}`)).toEqual([]);
  });

  it('can still be turned off, or left out by --select', async () => {
    const source = `from homeassistant.core import HomeAssistant\n${SETUP}`;
    expect(await rulesReported(source, { ruleSettings: { 'blocking-file-io': 'off' } })).toEqual([]);
    expect(await rulesReported(source, { select: ['missing-await'] })).toEqual([]);
  });

  it('follow a blocking helper of the integration too (blocking-via-helper)', async () => {
    const source = `from homeassistant.core import HomeAssistant\n\n\ndef load_manifest(path):\n    with open(path) as handle:\n        return handle.read()\n\n\nasync def async_setup(hass, config):\n    hass.data["manifest"] = load_manifest("manifest.json")\n    return True\n`;
    expect(await rulesReported(source)).toEqual(['10 blocking-via-helper']);
  });

  it("stay quiet in the integration's tests, where nothing else shares the loop", async () => {
    expect(await rulesReported(`from homeassistant.core import HomeAssistant\n${SETUP}`, {}, 'tests/test_init.py')).toEqual([]);
  });
});

describe("Home Assistant's executor", () => {
  // Home Assistant's reviewers ask for `await hass.async_add_executor_job(fn, *args)`, the library table's
  // `executor`: messages and fixes use it where a `hass` name is bound, asyncio's to_thread elsewhere.
  async function fixesAndMessages(source: string) {
    const engine = await createEngine({}, allRules);
    const { findings } = await analyzeFiles([{ path: 'custom_components/govee/__init__.py', content: source }], {}, engine);
    return findings.map((finding) => ({ rule: finding.rule, message: finding.message, fix: finding.fix?.replacement.trim() }));
  }

  it('is the fix and the advice where hass is a parameter', async () => {
    const found = await fixesAndMessages('import os\nfrom homeassistant.core import HomeAssistant\n\n\nasync def async_setup(hass, config):\n    names = os.listdir(hass.config.path("govee"))\n    return True\n');
    expect(found).toEqual([{
      rule: 'blocking-file-io',
      message: expect.stringContaining('`await hass.async_add_executor_job(os.listdir, ...)`'),
      fix: 'names = await hass.async_add_executor_job(os.listdir, hass.config.path("govee"))',
    }]);
  });

  it("is self.hass's in the methods of a class that has one (entities, coordinators)", async () => {
    const found = await fixesAndMessages('import os\nfrom homeassistant.helpers.update_coordinator import DataUpdateCoordinator\n\n\nclass GoveeCoordinator(DataUpdateCoordinator):\n    async def _async_update_data(self):\n        return os.listdir(self.hass.config.path("govee"))\n');
    expect(found).toEqual([{
      rule: 'blocking-file-io',
      message: expect.stringContaining('`await self.hass.async_add_executor_job(os.listdir, ...)`'),
      fix: 'return await self.hass.async_add_executor_job(os.listdir, self.hass.config.path("govee"))',
    }]);
  });

  it('is not used where no hass name is bound (asyncio\'s to_thread is)', async () => {
    const found = await fixesAndMessages('import os\nfrom homeassistant.core import HomeAssistant\n\n\nclass Hub:\n    async def scan(self):\n        return os.listdir(self.folder)\n');
    expect(found.map(({ message }) => message)).toEqual([expect.stringContaining('asyncio.to_thread(os.listdir')]);
  });
});
