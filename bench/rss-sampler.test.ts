import { RssSampler, vmRssBytes } from './rss-sampler';

/** The middle of a real /proc/<pid>/status: a tab after the name, the figure right-aligned in kB. */
const STATUS = ['Name:\tnode', 'VmPeak:\t 1398764 kB', 'VmHWM:\t  301240 kB', 'VmRSS:\t  298032 kB', 'RssAnon:\t  250000 kB', 'Threads:\t11', ''].join('\n');

describe('vmRssBytes', () => {
  it('reads the resident set from the VmRSS line, in bytes', () => {
    expect(vmRssBytes(STATUS)).toBe(298_032 * 1024);
  });

  it('does not take the high-water mark or a component for the resident set', () => {
    expect(vmRssBytes('VmHWM:\t 999 kB\nRssAnon:\t 5 kB\nVmRSS:\t 7 kB\n')).toBe(7 * 1024);
  });

  it('refuses text without a VmRSS line (a kernel thread, or a process already gone) instead of reading 0', () => {
    expect(() => vmRssBytes('Name:\tkthreadd\nState:\tS (sleeping)\n')).toThrow(/no "VmRSS: <n> kB" line/);
  });
});

describe('RssSampler', () => {
  it('samples a live process and keeps the peak', async () => {
    const sampler = new RssSampler(process.pid);
    const first = await sampler.sample();
    expect(first).toBeGreaterThan(0);
    await sampler.sample();
    expect(sampler.peak).toBeGreaterThanOrEqual(first);
    expect(sampler.peak).toBeGreaterThanOrEqual(sampler.last);
  });

  it('reports on stop that a sample failed, rather than figures of a dead process', async () => {
    // Beyond pid_max on Linux (at most 2^22): never a running process.
    const sampler = new RssSampler(2 ** 22 + 1);
    await sampler.sample();
    expect(() => sampler.stop()).toThrow(/reading the resident set of process 4194305 failed/);
  });
});
