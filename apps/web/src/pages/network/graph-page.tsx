/**
 * @module pages/network/graph-page
 * The tiered graph of a network in WebGL (sigma.js on graphology): companies in columns by tier, the
 * OEM on the right and its suppliers' suppliers to the left, coloured by region; lanes coloured by
 * transport mode. Level of detail keeps 60,000 companies fluid: labels only where zoomed in far enough,
 * lanes hidden while the view moves, and above 20,000 lanes only the chosen company's lanes drawn.
 * Within a tier, companies sit near the average height of their customers, so chains run straight.
 * The keyboard moves it too: Tab to the graph, arrow keys pan, + and − zoom, 0 shows it whole, Escape
 * clears the choice (`viewKeyMove`).
 */
import Graph from 'graphology';
import { type KeyboardEvent, useEffect, useMemo, useRef, useState } from 'react';
import Sigma from 'sigma';
import { NodePointProgram } from 'sigma/rendering';
import { count, duration, tierName } from '../../components/format.ts';
import { MODE_COLOURS, regionColour } from '../../components/palette.ts';
import { SelectedCompany } from './map-page.tsx';
import { NetworkToolbar } from './network-toolbar.tsx';
import { NetworkViewPage, useFilteredGraph } from './network-view-page.tsx';
import type { LoadedGraph } from './use-network-graph.ts';
import { viewKeyMove } from './view-keys.ts';

/** Above this many lanes, only the chosen company's are drawn. */
const ALL_LANES_LIMIT = 20_000;
const COLUMN_WIDTH = 100;
const HIGHLIGHT = '#f0a500';
export function GraphPage({ network }: { readonly network: string }) {
  return (
    <NetworkViewPage
      network={network}
      heading={`Graph of ${network}`}
      view={(loaded) => <GraphView loaded={loaded} />}
    />
  );
}

interface NodeAttributes {
  x: number;
  y: number;
  size: number;
  color: string;
  label: string;
}

interface EdgeAttributes {
  color: string;
  size: number;
}

function GraphView({ loaded }: { readonly loaded: LoadedGraph }) {
  const { filter, kept, shown } = useFilteredGraph(loaded);
  const container = useRef<HTMLDivElement>(null);
  const frame = useRef<HTMLDivElement>(null);
  const sigma = useRef<Sigma<NodeAttributes, EdgeAttributes> | undefined>(undefined);
  const [selected, setSelected] = useState<number | undefined>(undefined);
  const [failure, setFailure] = useState<string | undefined>(undefined);
  const [buildMs, setBuildMs] = useState<number | undefined>(undefined);
  const { graph } = loaded;
  const allLanes = graph.lanes.buyer.length <= ALL_LANES_LIMIT;

  const model = useMemo(() => buildGraph(loaded, allLanes), [loaded, allLanes]);
  const state = useRef({ kept, selected, neighbours: new Set<string>() });

  // The renderer, made once per graph.
  useEffect(() => {
    const element = container.current;
    if (element === null) return;
    const started = performance.now();
    const large = graph.companies.id.length > 5000;
    let renderer: Sigma<NodeAttributes, EdgeAttributes>;
    try {
      renderer = new Sigma<NodeAttributes, EdgeAttributes>(model.graph, element, {
        hideEdgesOnMove: true,
        // Large networks: one vertex per company (points) instead of a disc of six, for software GL too.
        ...(large ? { defaultNodeType: 'point', nodeProgramClasses: { point: NodePointProgram } } : {}),
        hideLabelsOnMove: large,
        labelRenderedSizeThreshold: large ? 9 : 4,
        labelDensity: large ? 0.4 : 1,
        labelFont: 'system-ui, sans-serif',
        labelColor: { color: '#16202c' },
        defaultEdgeType: 'line',
        zIndex: true,
        minCameraRatio: 0.005,
        maxCameraRatio: 4,
        nodeReducer: (node, data) => {
          const index = Number(node);
          const current = state.current;
          if (current.kept.companies[index] === 0) return { ...data, hidden: true };
          if (current.selected === index) {
            return { ...data, color: HIGHLIGHT, size: data.size * 2 + 3, forceLabel: true, zIndex: 2 };
          }
          if (current.neighbours.has(node)) return { ...data, forceLabel: !large, zIndex: 1 };
          return data;
        },
        edgeReducer: (edge, data) => {
          const current = state.current;
          const [supplier, buyer] = edge.split('>') as [string, string];
          if (current.kept.companies[Number(supplier)] === 0 || current.kept.companies[Number(buyer)] === 0) {
            return { ...data, hidden: true };
          }
          if (current.selected !== undefined) {
            const chosen = String(current.selected);
            if (supplier === chosen || buyer === chosen) return { ...data, size: data.size + 1.5, zIndex: 1 };
            return { ...data, color: '#d9dee5' };
          }
          return data;
        },
      });
    } catch (error) {
      setFailure(
        `This view draws with WebGL, which this browser does not offer here (${(error as Error).message}). The map and the company pages work without it.`,
      );
      return;
    }
    renderer.on('clickNode', ({ node }) => setSelected(Number(node)));
    renderer.on('clickStage', () => setSelected(undefined));
    // Where the view stands, for tests and tools (written straight to the DOM: no render per frame).
    const camera = renderer.getCamera();
    const showCamera = () =>
      frame.current?.setAttribute(
        'data-camera',
        `${camera.x.toFixed(4)} ${camera.y.toFixed(4)} ${camera.ratio.toFixed(4)}`,
      );
    camera.on('updated', showCamera);
    showCamera();
    sigma.current = renderer;
    setBuildMs(performance.now() - started + model.buildMs);
    return () => {
      renderer.kill();
      sigma.current = undefined;
    };
  }, [model, graph]);

  // Filter and selection: the reducers read `state`; above the lane limit the chosen company's lanes
  // are added to the graph for as long as it is chosen.
  useEffect(() => {
    const neighbours = new Set<string>();
    const added: string[] = [];
    if (selected !== undefined) {
      const { lanes } = graph;
      for (let lane = 0; lane < lanes.buyer.length; lane++) {
        const supplier = lanes.supplier[lane]!;
        const buyer = lanes.buyer[lane]!;
        if (supplier !== selected && buyer !== selected) continue;
        neighbours.add(String(supplier === selected ? buyer : supplier));
        if (!allLanes) {
          const key = `${supplier}>${buyer}`;
          if (!model.graph.hasEdge(key)) {
            model.graph.addEdgeWithKey(
              key,
              String(supplier),
              String(buyer),
              laneAttributes(loaded, lane, true),
            );
            added.push(key);
          }
        }
      }
    }
    state.current = { kept, selected, neighbours };
    sigma.current?.refresh();
    return () => {
      for (const key of added) if (model.graph.hasEdge(key)) model.graph.dropEdge(key);
    };
  }, [kept, selected, graph, model, allLanes, loaded]);

  const show = (index: number) => {
    setSelected(index);
    const renderer = sigma.current;
    const position = renderer?.getNodeDisplayData(String(index));
    if (renderer === undefined || position === undefined) return;
    const total = graph.companies.id.length;
    const ratio = total > 5000 ? 0.03 : total > 500 ? 0.2 : 0.6;
    void renderer.getCamera().animate({ x: position.x, y: position.y, ratio }, { duration: 500 });
  };

  const zoom = (factor: number) => {
    const camera = sigma.current?.getCamera();
    if (camera === undefined) return;
    void camera.animate({ ratio: camera.ratio / factor }, { duration: 200 });
  };

  const whole = () =>
    void sigma.current?.getCamera().animate({ x: 0.5, y: 0.5, ratio: 1 }, { duration: 300 });

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    // Keys typed into the zoom buttons are theirs.
    if (event.target !== event.currentTarget) return;
    const move = viewKeyMove(event.key);
    const renderer = sigma.current;
    if (move === undefined || renderer === undefined) return;
    event.preventDefault();
    const camera = renderer.getCamera();
    if (move.kind === 'pan') {
      // A step of the view in pixels, whatever the zoom: the point that far from the middle comes to it.
      const { width, height } = renderer.getDimensions();
      const target = renderer.viewportToFramedGraph({ x: width / 2 + move.dx, y: height / 2 + move.dy });
      camera.setState({ x: target.x, y: target.y });
    } else if (move.kind === 'zoom') {
      camera.setState({ ratio: camera.getBoundedRatio(camera.ratio / move.factor) });
    } else if (move.kind === 'whole') camera.setState({ x: 0.5, y: 0.5, ratio: 1 });
    else setSelected(undefined);
  };

  return (
    <>
      <NetworkToolbar loaded={loaded} filter={filter} onShow={show} shown={shown} />
      {failure === undefined ? null : (
        <p className="error" role="alert">
          {failure}
        </p>
      )}
      <div className="view">
        <div
          ref={frame}
          className="view-canvas graph-canvas"
          // biome-ignore lint/a11y/noNoninteractiveTabindex: the graph pans and zooms with the keyboard
          tabIndex={0}
          role="application"
          aria-roledescription="graph"
          aria-label={`Tiered graph of ${graph.network}: ${count(graph.companies.id.length, 'company', 'companies')} in columns by tier, the end-customer tier on the right; ${count(graph.lanes.buyer.length, 'lane')}. Arrow keys pan, plus and minus zoom, 0 shows the whole network, Escape clears the choice.`}
          onKeyDown={onKeyDown}
        >
          <div
            ref={container}
            className="sigma-container"
            data-ready={buildMs === undefined ? undefined : 'true'}
          />
          <div className="view-controls">
            <button type="button" className="button-quiet" aria-label="Zoom in" onClick={() => zoom(1.5)}>
              +
            </button>
            <button
              type="button"
              className="button-quiet"
              aria-label="Zoom out"
              onClick={() => zoom(1 / 1.5)}
            >
              −
            </button>
            <button
              type="button"
              className="button-quiet"
              aria-label="Show the whole network"
              onClick={whole}
            >
              ⌂
            </button>
          </div>
        </div>
        <aside className="side panel" aria-label="Legend and selection">
          {selected === undefined ? (
            <p className="muted">
              Click a company, or find one above, to see it and its lanes. Keyboard: Tab to the graph, arrow
              keys pan, + and − zoom, 0 shows it whole.
            </p>
          ) : (
            <SelectedCompany loaded={loaded} index={selected} />
          )}
          <h2>Columns</h2>
          <p>
            From the right: {loaded.tiers.map((tier) => tierName(tier)).join(', ')}. A company in several
            chains stands in its lowest tier.
          </p>
          <h2>Companies by region</h2>
          <ul className="legend">
            {graph.regions.map((region, index) => (
              <li key={region}>
                <span className="dot" style={{ background: regionColour(index) }} /> {region}
              </li>
            ))}
          </ul>
          <h2>Lanes by mode</h2>
          <ul className="legend">
            {graph.modes.map((mode) => (
              <li key={mode}>
                <span className="swatch" style={{ background: MODE_COLOURS[mode] }} /> {mode}
              </li>
            ))}
          </ul>
          <p className="muted">
            {allLanes
              ? 'Lanes hide while the view moves.'
              : `With ${count(graph.lanes.buyer.length, 'lane')}, only the chosen company's lanes are drawn.`}{' '}
            Names show when zoomed in. Built in {buildMs === undefined ? '–' : duration(buildMs)}; loaded in{' '}
            {duration(loaded.loadMs)}.
          </p>
        </aside>
      </div>
    </>
  );
}

function laneAttributes(loaded: LoadedGraph, lane: number, large: boolean): EdgeAttributes {
  const { lanes, modes } = loaded.graph;
  return {
    color: MODE_COLOURS[modes[lanes.mode[lane]!]!] ?? '#6b7280',
    size: large ? 1 : 0.6 + 2 * lanes.share[lane]!,
  };
}

/**
 * The graphology graph: one node per company (key: its index), placed in its tier's column; one edge
 * per supplier → buyer pair (the first lane's mode), unless there are too many lanes to draw.
 */
function buildGraph(
  loaded: LoadedGraph,
  withLanes: boolean,
): { graph: Graph<NodeAttributes, EdgeAttributes>; buildMs: number } {
  const started = performance.now();
  const { companies, lanes } = loaded.graph;
  const total = companies.id.length;
  const graph = new Graph<NodeAttributes, EdgeAttributes>({ type: 'directed', multi: false });
  let lastTier = 0;
  for (const tier of loaded.tiers) if (tier !== null) lastTier = Math.max(lastTier, tier);
  const column = (index: number) => companies.tier[index] ?? lastTier + 1;
  const customersOf: number[][] = Array.from({ length: total }, () => []);
  for (let lane = 0; lane < lanes.buyer.length; lane++)
    customersOf[lanes.supplier[lane]!]!.push(lanes.buyer[lane]!);
  const byColumn: number[][] = [];
  for (let index = 0; index < total; index++) {
    const members = byColumn[column(index)] ?? [];
    byColumn[column(index)] = members;
    members.push(index);
  }
  const y = new Float64Array(total);
  const degree = new Uint32Array(total);
  for (let lane = 0; lane < lanes.buyer.length; lane++) {
    degree[lanes.buyer[lane]!]! += 1;
    degree[lanes.supplier[lane]!]! += 1;
  }
  const size = total > 5000 ? 1.2 : total > 500 ? 2.5 : 5;
  // As tall as the tiers are wide, so the picture fills a landscape view.
  const height = Math.max(100, (lastTier + 1) * COLUMN_WIDTH * 0.8);
  for (const [position, members] of byColumn.entries()) {
    if (members === undefined) continue;
    // Near the customers' average height: tier 0 by region and name, each next tier by its customers.
    const key = new Float64Array(total);
    for (const index of members) {
      const customers = customersOf[index]!.filter((customer) => column(customer) < position);
      key[index] =
        customers.length === 0
          ? companies.region[index]! * 1e6
          : customers.reduce((sum, customer) => sum + y[customer]!, 0) / customers.length;
    }
    // Plain comparison, not localeCompare: 60,000 names sort in milliseconds, not seconds.
    members.sort((a, b) => key[a]! - key[b]! || (companies.name[a]! < companies.name[b]! ? -1 : 1));
    // Up to 60 companies stand in one column; more fill a block of columns within the tier's band.
    const rows = members.length <= 60 ? members.length : Math.ceil(Math.sqrt(members.length * 3));
    const columns = Math.ceil(members.length / rows);
    members.forEach((index, order) => {
      const within = Math.floor(order / rows);
      const row = order % rows;
      y[index] = ((row + 0.5) / rows - 0.5) * height;
      const x = -position * COLUMN_WIDTH - (columns <= 1 ? 0 : (within / (columns - 1)) * COLUMN_WIDTH * 0.6);
      graph.addNode(String(index), {
        x,
        y: -y[index]!,
        size: size + Math.min(4, Math.log2(1 + degree[index]!) * (total > 5000 ? 0.3 : 0.8)),
        color: regionColour(companies.region[index]!),
        label: companies.name[index]!,
      });
    });
  }
  if (withLanes) {
    for (let lane = 0; lane < lanes.buyer.length; lane++) {
      const key = `${lanes.supplier[lane]}>${lanes.buyer[lane]}`;
      if (!graph.hasEdge(key)) {
        graph.addEdgeWithKey(
          key,
          String(lanes.supplier[lane]),
          String(lanes.buyer[lane]),
          laneAttributes(loaded, lane, false),
        );
      }
    }
  }
  return { graph, buildMs: performance.now() - started };
}
