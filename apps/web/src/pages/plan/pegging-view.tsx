/**
 * @module pages/plan/pegging-view
 * Pegging on the Plan page: from an end demand down the chain (a tree of needs, makes and buys, each
 * with its orders, expanded with the keyboard or the mouse), and from an order up to the end demands
 * it serves (each a link back down). Read from `GET …/plan/pegging`, which plans with pegging once per
 * version on first use.
 */
import { useState } from 'react';
import { api } from '../../api/client.ts';
import { useApi } from '../../api/use-api.ts';
import { ErrorDisplay, Loading } from '../../components/error-display.tsx';
import { count, quantity } from '../../components/format.ts';
import { type PegNode, type PegOrder, peggingTree, walk } from './pegging-tree.ts';
import type { PeggingAnswer } from './plan-api.ts';

export type PegQuestion =
  | { readonly by: 'demand'; readonly company: string; readonly item: string; readonly period: number }
  | { readonly by: 'order'; readonly order: string };

export function PeggingView({
  network,
  question,
  periodUnit,
  units,
  onAsk,
}: {
  readonly network: string;
  readonly question: PegQuestion;
  readonly periodUnit: 'day' | 'week';
  /** Units of items, where known (the rest count in pcs). */
  readonly units: ReadonlyMap<string, string>;
  readonly onAsk: (question: PegQuestion) => void;
}) {
  const loaded = useApi(
    (signal) =>
      api.get<PeggingAnswer>(`/api/v1/networks/${encodeURIComponent(network)}/plan/pegging`, {
        signal,
        query:
          question.by === 'order'
            ? { order: question.order }
            : { company: question.company, item: question.item, period: question.period, limit: 2000 },
      }),
    [network, JSON.stringify(question)],
  );
  const unitOf = (item: string) => units.get(item) ?? 'pcs';
  if (loaded.state === 'loading') return <Loading what="pegging" waiting={loaded.waiting} />;
  if (loaded.state === 'failed') return <ErrorDisplay error={loaded.error} title="No pegging" />;
  const answer = loaded.value;
  if (answer.demand !== undefined && answer.orders !== undefined) {
    const { demand } = answer;
    const tree = peggingTree(demand.company, demand.item, answer.orders);
    return (
      <div className="pegging">
        <p>
          End demand for <strong>{demand.item}</strong> at <strong>{demand.company}</strong> in {periodUnit}{' '}
          {demand.period}: {quantity(demand.quantity, unitOf(demand.item))}
          {demand.short > 0 ? (
            <span className="badge badge-short"> {quantity(demand.short, unitOf(demand.item))} short</span>
          ) : (
            <span className="badge badge-ok"> met on time</span>
          )}
          . {count(answer.total ?? answer.orders.length, 'order')} down the chain serve it
          {(answer.total ?? 0) > answer.orders.length ? ` (the first ${answer.orders.length} shown)` : ''}.
        </p>
        {answer.orders.length === 0 ? (
          <p>No planned order serves it: it is met from stock or open orders, or it is short.</p>
        ) : (
          <PegTree
            tree={tree}
            periodUnit={periodUnit}
            unitOf={unitOf}
            onOrder={(order) => onAsk({ by: 'order', order })}
          />
        )}
      </div>
    );
  }
  if (answer.order !== undefined) {
    const order = answer.order;
    const demands = answer.servesDemand ?? [];
    return (
      <div className="pegging">
        <p>
          Order <code>{order.id}</code>: {order.kind === 'production' ? 'production' : 'purchase'} of{' '}
          {quantity(order.quantity, unitOf(order.item))} {order.item} at {order.company}
          {order.supplier === undefined ? '' : ` from ${order.supplier}`}, {periodUnit} {order.start} →{' '}
          {order.due}. It serves {count(demands.length, 'end demand')}:
        </p>
        <ul>
          {demands.map((demand) => (
            <li key={`${demand.company}/${demand.item}/${demand.period}`}>
              <button
                type="button"
                className="link-button"
                onClick={() =>
                  onAsk({ by: 'demand', company: demand.company, item: demand.item, period: demand.period })
                }
              >
                {demand.item} at {demand.company}, {periodUnit} {demand.period}
              </button>
              : {quantity(demand.quantity, unitOf(demand.item))} of this order
            </li>
          ))}
        </ul>
      </div>
    );
  }
  return <p>The answer had no pegging.</p>;
}

function nodeTitle(node: PegNode, unit: string): string {
  if (node.kind === 'need') return `${node.company} needs ${node.item}: ${quantity(node.serves, unit)}`;
  if (node.kind === 'make') return `${node.company} makes ${node.item}: ${quantity(node.serves, unit)}`;
  return `${node.company} buys ${node.item} from ${node.supplier}: ${quantity(node.serves, unit)}`;
}

function PegTree({
  tree,
  periodUnit,
  unitOf,
  onOrder,
}: {
  readonly tree: PegNode;
  readonly periodUnit: 'day' | 'week';
  readonly unitOf: (item: string) => string;
  readonly onOrder: (order: string) => void;
}) {
  const [open, setOpen] = useState<ReadonlySet<string>>(
    () => new Set([tree.key, ...tree.children.map((child) => child.key)]),
  );
  const toggle = (key: string) =>
    setOpen((current) => {
      const next = new Set(current);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  const all = [...walk(tree)].map((node) => node.key);
  return (
    <>
      <p className="tree-actions">
        <button type="button" className="button-quiet" onClick={() => setOpen(new Set(all))}>
          Expand all
        </button>
        <button type="button" className="button-quiet" onClick={() => setOpen(new Set([tree.key]))}>
          Collapse all
        </button>
      </p>
      <ul className="peg-tree">
        <PegBranch
          node={tree}
          open={open}
          toggle={toggle}
          periodUnit={periodUnit}
          unitOf={unitOf}
          onOrder={onOrder}
        />
      </ul>
    </>
  );
}

function PegBranch({
  node,
  open,
  toggle,
  periodUnit,
  unitOf,
  onOrder,
}: {
  readonly node: PegNode;
  readonly open: ReadonlySet<string>;
  readonly toggle: (key: string) => void;
  readonly periodUnit: 'day' | 'week';
  readonly unitOf: (item: string) => string;
  readonly onOrder: (order: string) => void;
}) {
  const expanded = open.has(node.key);
  const hasContent = node.children.length > 0 || node.orders.length > 0;
  return (
    <li className={`peg-${node.kind}`}>
      {hasContent ? (
        <button
          type="button"
          className="tree-toggle"
          aria-expanded={expanded}
          onClick={() => toggle(node.key)}
        >
          <span aria-hidden="true">{expanded ? '▾' : '▸'}</span> {nodeTitle(node, unitOf(node.item))}
        </button>
      ) : (
        <span className="tree-leaf">{nodeTitle(node, unitOf(node.item))}</span>
      )}
      {expanded && hasContent ? (
        <ul>
          {node.orders.map((order) => (
            <OrderLeaf
              key={order.id}
              order={order}
              periodUnit={periodUnit}
              unit={unitOf(order.item)}
              onOrder={onOrder}
            />
          ))}
          {node.children.map((child) => (
            <PegBranch
              key={child.key}
              node={child}
              open={open}
              toggle={toggle}
              periodUnit={periodUnit}
              unitOf={unitOf}
              onOrder={onOrder}
            />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

function OrderLeaf({
  order,
  periodUnit,
  unit,
  onOrder,
}: {
  readonly order: PegOrder;
  readonly periodUnit: 'day' | 'week';
  readonly unit: string;
  readonly onOrder: (order: string) => void;
}) {
  return (
    <li className="peg-order">
      <button
        type="button"
        className="link-button"
        onClick={() => onOrder(order.id)}
        title="Which end demands does it serve?"
      >
        {order.id}
      </button>
      : {quantity(order.serves, unit)} of {quantity(order.quantity, unit)}, {periodUnit} {order.start} →{' '}
      {order.due}
    </li>
  );
}
