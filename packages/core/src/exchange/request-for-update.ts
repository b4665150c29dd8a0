/**
 * @module exchange/request-for-update
 * "Send me these again" as Catena-X IdBasedRequestForUpdate 3.0.0: a partner that lost track (a node
 * restored from a backup, a forecast it refused and the sender fixed) names the material demands and
 * capacity groups it wants, each with the `changedAt` it holds, if any. The sender answers with the
 * current payloads of those ids whose `changedAt` is newer (or all of them, when none is given).
 */
import type { Result } from '../result.ts';
import { IdBasedRequestForUpdate } from './aspects.ts';
import type { OutgoingCapacityGroup } from './capacity-group.ts';
import type { OutgoingMaterialDemand } from './material-demand.ts';
import { type ExchangeProblem, parseShape } from './problems.ts';

/** A request for the material demands and capacity groups of these ids (with the version held). */
export function buildRequestForUpdate(request: {
  readonly materialDemands?: readonly { readonly id: string; readonly changedAt?: string }[];
  readonly capacityGroups?: readonly { readonly id: string; readonly changedAt?: string }[];
}): IdBasedRequestForUpdate {
  const withChange = (changedAt: string | undefined) => (changedAt === undefined ? {} : { changedAt });
  return {
    ...(request.materialDemands === undefined
      ? {}
      : {
          weekBasedMaterialDemand: request.materialDemands.map((entry) => ({
            materialDemandId: entry.id,
            ...withChange(entry.changedAt),
          })),
        }),
    ...(request.capacityGroups === undefined
      ? {}
      : {
          weekBasedCapacityGroup: request.capacityGroups.map((entry) => ({
            capacityGroupId: entry.id,
            ...withChange(entry.changedAt),
          })),
        }),
  };
}

/**
 * The payloads a request asks for, among those the receiver would send now: each named id whose
 * `changedAt` is later than the requester's (compared as instants), or that the requester has no
 * version of. Ids the receiver does not send are in `unknown`, so the answer can say so.
 */
export function answerRequestForUpdate(
  input: unknown,
  current: {
    readonly materialDemands: readonly OutgoingMaterialDemand[];
    readonly capacityGroups: readonly OutgoingCapacityGroup[];
  },
): Result<
  { materialDemands: OutgoingMaterialDemand[]; capacityGroups: OutgoingCapacityGroup[]; unknown: string[] },
  ExchangeProblem[]
> {
  const parsed = parseShape(IdBasedRequestForUpdate, 'IdBasedRequestForUpdate', input);
  if (!parsed.ok) return parsed;
  const unknown: string[] = [];
  const newer = (sent: string, held: string | undefined) =>
    held === undefined || Date.parse(sent) > Date.parse(held);
  const normal = (id: string) => id.toLowerCase().replace(/^urn:uuid:/, '');
  const pick = <T>(
    asked: readonly { id: string; changedAt?: string | undefined }[],
    payloads: readonly T[],
    idOf: (payload: T) => string,
    changedOf: (payload: T) => string,
  ): T[] => {
    const picked: T[] = [];
    for (const entry of asked) {
      const found = payloads.find((payload) => normal(idOf(payload)) === normal(entry.id));
      if (found === undefined) unknown.push(entry.id);
      else if (newer(changedOf(found), entry.changedAt) && !picked.includes(found)) picked.push(found);
    }
    return picked;
  };
  const request = parsed.value;
  return {
    ok: true,
    value: {
      materialDemands: pick(
        (request.weekBasedMaterialDemand ?? []).map((e) => ({
          id: e.materialDemandId,
          changedAt: e.changedAt,
        })),
        current.materialDemands,
        (o) => o.payload.materialDemandId,
        (o) => o.payload.changedAt,
      ),
      capacityGroups: pick(
        (request.weekBasedCapacityGroup ?? []).map((e) => ({
          id: e.capacityGroupId,
          changedAt: e.changedAt,
        })),
        current.capacityGroups,
        (o) => o.payload.capacityGroupId,
        (o) => o.payload.changedAt,
      ),
      unknown,
    },
  };
}
