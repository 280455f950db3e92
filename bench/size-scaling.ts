// Part 1b: cost per file size. One realistic async module (~1 KB, with a few pitfalls in it) repeated
// to 1 KB … 5 MB and analyzed in-process with a warm engine; if the analyzer is linear, the time per KB
// stays flat. Run as its own process (`node dist/bench/size-scaling.js [--quick]`), prints JSON.
import { fileURLToPath } from "node:url";
import { analyzeFiles, createEngine } from "../src/analyzer/index.js";
import { median } from "./measure.js";

const unit = `import asyncio
import time
import aiohttp

class Fetcher:
    def __init__(self, urls):
        self.urls = urls
        self._lock = asyncio.Lock()
        self.results = {}

    async def fetch(self, session, url):
        async with self._lock:
            async with session.get(url, timeout=10) as response:
                body = await response.text()
                self.results[url] = len(body)
        time.sleep(0.1)
        return body

    async def run(self):
        async with aiohttp.ClientSession() as session:
            tasks = [asyncio.create_task(self.fetch(session, u)) for u in self.urls]
            asyncio.create_task(self.report())
            return await asyncio.gather(*tasks)

    async def report(self):
        while not self.results:
            await asyncio.sleep(0.5)
        print(sorted(self.results.items()))

def main(urls):
    return asyncio.run(Fetcher(urls).run())
`;

export const sizesKb = [1, 10, 100, 1000, 5000];
const quickSizesKb = sizesKb.filter((kb) => kb <= 1000);

export interface SizePoint { sizeKb: number; bytes: number; lines: number; runs: number; medianMs: number; usPerKb: number; findings: number }

export function syntheticModule(targetBytes: number): string {
  const copies = Math.max(1, Math.round(targetBytes / Buffer.byteLength(unit)));
  return unit.repeat(copies);
}

export async function measureSizes(quick: boolean): Promise<SizePoint[]> {
  const engine = await createEngine();
  await analyzeFiles([{ path: "warmup.py", content: unit.repeat(50) }], {}, engine);
  const points: SizePoint[] = [];
  for (const sizeKb of quick ? quickSizesKb : sizesKb) {
    const content = syntheticModule(sizeKb * 1024);
    const budgetMs = quick ? 300 : 1500;
    const times: number[] = [];
    let findings = 0;
    const started = performance.now();
    while (times.length < 3 || (times.length < 200 && performance.now() - started < budgetMs)) {
      const t0 = performance.now();
      const result = await analyzeFiles([{ path: `synthetic_${sizeKb}kb.py`, content }], {}, engine);
      times.push(performance.now() - t0);
      findings = result.findings.length;
      if (sizeKb >= 1000 && times.length >= (quick ? 1 : 3)) break;
    }
    const medianMs = median(times);
    const bytes = Buffer.byteLength(content);
    points.push({ sizeKb, bytes, lines: content.split("\n").length - 1, runs: times.length, medianMs, usPerKb: (medianMs * 1000) / (bytes / 1024), findings });
  }
  return points;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(JSON.stringify(await measureSizes(process.argv.includes("--quick"))) + "\n");
}
