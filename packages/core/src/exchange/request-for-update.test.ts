import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildCapacityGroups } from './capacity-group.ts';
import { buildMaterialDemands } from './material-demand.ts';
import { answerRequestForUpdate, buildRequestForUpdate } from './request-for-update.ts';
import { changedAt, fixture } from './test-fixture.ts';

const demoPath = fileURLToPath(new URL('../../../../examples/demo-network.yaml', import.meta.url));
const { network, plan } = fixture('demo-network.yaml', readFileSync(demoPath, 'utf8'));
const demands = buildMaterialDemands(network, plan, 'kempen', { changedAt });
const groups = buildCapacityGroups(network, 'steinhof-optics', 'kempen', { changedAt });
const current = {
  materialDemands: demands.ok ? demands.value : [],
  capacityGroups: groups.ok ? groups.value : [],
};

describe('IdBasedRequestForUpdate', () => {
  it('answers with the payloads asked for that are newer than the version held, and names the unknown ids', () => {
    const [first, second] = current.materialDemands;
    const request = buildRequestForUpdate({
      materialDemands: [
        { id: first!.payload.materialDemandId },
        { id: `urn:uuid:${second!.payload.materialDemandId}`, changedAt },
        { id: '00000000-0000-4000-8000-000000000000' },
      ],
      capacityGroups: [
        { id: current.capacityGroups[0]!.payload.capacityGroupId, changedAt: '2027-01-01T00:00:00+01:00' },
      ],
    });
    const answer = answerRequestForUpdate(request, current);
    expect(answer.ok && answer.value.materialDemands).toEqual([first]);
    expect(answer.ok && answer.value.capacityGroups).toEqual([current.capacityGroups[0]]);
    expect(answer.ok && answer.value.unknown).toEqual(['00000000-0000-4000-8000-000000000000']);
  });

  it('never throws on any JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (input) => {
        const answer = answerRequestForUpdate(input, current);
        return answer.ok || answer.error.length > 0;
      }),
    );
  });
});
