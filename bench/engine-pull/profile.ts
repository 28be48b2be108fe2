/**
 * BENCH_PROFILE=1: a CPU profile of one measured run through the DevTools protocol, summarised as
 * the functions with the most self time (the page is built unminified so the names are real).
 */
import type { CDPSession, Page } from '@playwright/test';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
}

export async function withProfile<T>(page: Page, run: () => Promise<T>): Promise<T> {
  const session: CDPSession = await page.context().newCDPSession(page);
  await session.send('Profiler.enable');
  await session.send('Profiler.setSamplingInterval', { interval: 200 });
  await session.send('Profiler.start');
  const result = await run();
  const { profile } = (await session.send('Profiler.stop')) as { profile: Profile };
  await session.detach();
  const selfMs = new Map<string, number>();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i += 1) {
    const node = byId.get(samples[i] as number);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.split('/').pop() ?? '';
    const name = `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
    selfMs.set(name, (selfMs.get(name) ?? 0) + (deltas[i] ?? 0) / 1000);
  }
  const total = [...selfMs.values()].reduce((a, b) => a + b, 0);
  console.log(`\nCPU profile (main thread of the page), self time, total ${total.toFixed(0)} ms:`);
  for (const [name, ms] of [...selfMs].sort((a, b) => b[1] - a[1]).slice(0, 25))
    console.log(`  ${ms.toFixed(1).padStart(8)} ms  ${name}`);
  return result;
}
