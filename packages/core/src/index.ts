/**
 * @module @keten/core
 * keten's pure domain: the network model and its validation, synthetic networks, diffs, planning and
 * its reports, and the storage ports. No I/O: files, databases and sockets belong to adapters and apps.
 */

export * from './dataspace/messages.ts';
export * from './dataspace/negotiation.ts';
export {
  type Abandoned,
  counterRole,
  DSP_FAILURE_CODES,
  type DspFailure,
  type DspFailureCode,
  type Initial,
  type NewProcess,
  type PendingSend,
  type ProcessRecord,
  type StepOutcome,
  type Termination,
  type Transition,
} from './dataspace/process.ts';
export * from './dataspace/routes.ts';
export * from './dataspace/transfer.ts';
export * from './decisions/gsm/index.ts';
export * from './decisions/linear-program.ts';
export * from './decisions/reshore.ts';
export * from './decisions/reshore-case.ts';
export * from './decisions/reshore-disruption.ts';
export * from './decisions/reshore-factors.ts';
export * from './decisions/reshore-inventory.ts';
export * from './decisions/reshore-report.ts';
export * from './decisions/sourcing.ts';
export * from './decisions/sourcing-optimise.ts';
export * from './decisions/sourcing-report.ts';
export * from './decisions/sourcing-scenarios.ts';
export * from './decisions/stress.ts';
export * from './decisions/stress-model.ts';
export * from './decisions/stress-report.ts';
export * from './events/event.ts';
export * from './exchange/aspects.ts';
export * from './exchange/capacity-group.ts';
export * from './exchange/delivery.ts';
export * from './exchange/identifiers.ts';
export * from './exchange/material-demand.ts';
export * from './exchange/notification.ts';
export * from './exchange/order.ts';
export * from './exchange/problems.ts';
export * from './exchange/request-for-update.ts';
export * from './exchange/status.ts';
export * from './exchange/stock.ts';
export * from './exchange/weeks.ts';
export * from './model/diff.ts';
export * from './model/generate.ts';
export * from './model/graph-encoding.ts';
export * from './model/issues.ts';
export * from './model/json-schema.ts';
export * from './model/load.ts';
export * from './model/load-document.ts';
export * from './model/locate.ts';
export * from './model/network-views.ts';
export * from './model/partner-view.ts';
export * from './model/schema.ts';
export * from './model/serialize.ts';
export * from './model/shape.ts';
export * from './model/suggest.ts';
export * from './model/tiers.ts';
export * from './model/validate.ts';
export {
  type PageToucher,
  SHARED_CHUNK_BUDGET,
  setPageToucher,
  setSharedChunkBudget,
  sharedChunkBytes,
  sharedChunkBytesMade,
} from './planning/arena.ts';
export * from './planning/chain-status.ts';
export * from './planning/effective-network.ts';
export * from './planning/events.ts';
/** Deep equality of plain data (JSON values), object keys in any order. */
export { sameValue } from './planning/flat-patch.ts';
export * from './planning/orders.ts';
export * from './planning/plan.ts';
export * from './planning/plan-diff.ts';
export * from './planning/plan-views.ts';
export * from './planning/report.ts';
export * from './policy/build.ts';
export * from './policy/evaluate.ts';
export * from './policy/json.ts';
export * from './policy/match.ts';
export * from './policy/model.ts';
export * from './policy/operands.ts';
export * from './policy/parse.ts';
export * from './policy/request.ts';
export * from './policy/time.ts';
export * from './random.ts';
export * from './result.ts';
export * from './simulation/chains.ts';
export * from './simulation/engine.ts';
export * from './simulation/load-scenario.ts';
export * from './simulation/metrics.ts';
export * from './simulation/model.ts';
export * from './simulation/report.ts';
export * from './simulation/report-html.ts';
export * from './simulation/scenario.ts';
export * from './simulation/simulate.ts';
export * from './store/canonical-json.ts';
export * from './store/exchange.ts';
export * from './store/input.ts';
export * from './store/memory.ts';
export * from './store/memory-exchange.ts';
export * from './store/ports.ts';
export * from './store/sha256.ts';
