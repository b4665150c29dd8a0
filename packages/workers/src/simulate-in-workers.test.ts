import { readFileSync } from 'node:fs';
import { loadNetworkFile, loadScenario, simulate } from '@keten/core';
import { describe, expect, it } from 'vitest';
import { SimulationAborted, simulateInWorkers } from './simulate-in-workers.ts';

const loadedNetwork = loadNetworkFile({
  name: 'network-minimal.yaml',
  text: readFileSync('/work/shared/examples/network-minimal.yaml', 'utf8'),
});
if (!loadedNetwork.ok) throw new Error('the minimal network must load');
const network = loadedNetwork.value.network;
const loadedScenario = loadScenario(
  readFileSync('/work/shared/examples/scenario-oem-brakes.yaml', 'utf8'),
  'scenario-oem-brakes.yaml',
  network,
);
if (!loadedScenario.ok) throw new Error('the example scenario must load');
const scenario = loadedScenario.value.scenario;

describe('simulateInWorkers', () => {
  it('answers what simulate answers, to the byte, for 1, 2 and 3 threads, reporting progress', async () => {
    const expected = JSON.stringify(simulate(network, scenario, { runs: 23, seed: 4 }));
    for (const threads of [1, 2, 3]) {
      const progress: number[] = [];
      const result = await simulateInWorkers(network, scenario, {
        runs: 23,
        seed: 4,
        threads,
        onProgress: (done, total) => {
          expect(total).toBe(23);
          progress.push(done);
        },
      });
      expect(JSON.stringify(result), `${threads} threads`).toBe(expected);
      expect(progress.at(-1)).toBe(23);
      expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    }
  });

  it("takes the scenario's runs and seed, and never starts more threads than runs", async () => {
    const result = await simulateInWorkers(network, { ...scenario, runs: 2, seed: 9 }, { threads: 8 });
    expect(result.runs).toEqual([0, 1]);
    expect(result.seed).toBe(9);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    const running = simulateInWorkers(
      network,
      { ...scenario, periods: 5000 },
      { runs: 50, signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 50);
    await expect(running).rejects.toBeInstanceOf(SimulationAborted);
    controller.abort();
    await expect(
      simulateInWorkers(network, scenario, { runs: 1, signal: controller.signal }),
    ).rejects.toBeInstanceOf(SimulationAborted);
  });

  it('refuses a run count that is not a whole number', () => {
    expect(() => simulateInWorkers(network, scenario, { runs: 0 })).toThrow(RangeError);
  });
});
