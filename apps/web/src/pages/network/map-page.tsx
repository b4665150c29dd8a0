/**
 * @module pages/network/map-page
 * The world map of a network's sites: countries from Natural Earth (world-atlas, bundled: no tile
 * server), companies as dots coloured by tier, lanes from supplier to buyer coloured by transport mode
 * (great-circle arcs, or straight lines when there are more than 20,000). Drawn on a canvas, so 60,000
 * companies stay smooth: while the map moves, large networks draw without lanes (level of detail) and
 * the full picture returns when it stops. Wheel or +/− to zoom, drag or arrow keys to pan, 0 for the
 * whole world (`view-keys.ts`), click a dot to see the company.
 */
import {
  type GeoPermissibleObjects,
  type GeoProjection,
  geoInterpolate,
  geoNaturalEarth1,
  geoPath,
} from 'd3-geo';
import {
  type KeyboardEvent,
  type PointerEvent,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import countriesTopology from 'world-atlas/countries-110m.json';
import { count, duration, tierName } from '../../components/format.ts';
import { MODE_COLOURS, tierColour } from '../../components/palette.ts';
import { Link, pathTo } from '../../router.tsx';
import { NetworkToolbar } from './network-toolbar.tsx';
import { NetworkViewPage, useFilteredGraph } from './network-view-page.tsx';
import type { LoadedGraph } from './use-network-graph.ts';
import { viewKeyMove } from './view-keys.ts';

const topology = countriesTopology as unknown as Topology<{ countries: GeometryCollection }>;
const COUNTRIES = feature(topology, topology.objects.countries);
const SPHERE: GeoPermissibleObjects = { type: 'Sphere' };
/** Above this many lanes they are straight lines, not arcs; above LANES_WHILE_MOVING none while moving. */
const ARC_LIMIT = 20_000;
const LANES_WHILE_MOVING = 5_000;
const ARC_STEPS = 12;

export function MapPage({ network }: { readonly network: string }) {
  return (
    <NetworkViewPage
      network={network}
      heading={`Map of ${network}`}
      view={(loaded) => <MapView loaded={loaded} />}
    />
  );
}

interface View {
  k: number;
  x: number;
  y: number;
}

/** Projected positions: sites (NaN without location) and each lane's polyline. */
interface Projected {
  readonly projection: GeoProjection;
  readonly siteX: Float32Array;
  readonly siteY: Float32Array;
  /** Lane j's points are points[offsets[j] … offsets[j+1]), x and y interleaved; NaN x breaks the line. */
  readonly points: Float32Array;
  readonly offsets: Uint32Array;
}

function MapView({ loaded }: { readonly loaded: LoadedGraph }) {
  const { filter, kept, shown } = useFilteredGraph(loaded);
  const container = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });
  const view = useRef<View>({ k: 1, x: 0, y: 0 });
  const moving = useRef(false);
  const frame = useRef(0);
  const [selected, setSelected] = useState<number | undefined>(undefined);
  const [drawMs, setDrawMs] = useState<number | undefined>(undefined);
  const { graph } = loaded;

  useEffect(() => {
    const element = container.current;
    if (element === null) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry === undefined) return;
      setSize({ width: Math.floor(entry.contentRect.width), height: Math.floor(entry.contentRect.height) });
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const projected = useMemo(() => (size.width === 0 ? undefined : project(loaded, size)), [loaded, size]);

  // The lanes to draw, per mode; above ARC_LIMIT, one per pair of pixels (lanes between the same
  // places drawn once: level of detail that leaves the picture as it is).
  const drawn = useMemo(() => {
    const perMode: number[][] = graph.modes.map(() => []);
    if (projected === undefined) return perMode;
    const seen = graph.lanes.buyer.length > ARC_LIMIT ? new Set<string>() : undefined;
    for (let lane = 0; lane < graph.lanes.buyer.length; lane++) {
      if (kept.lanes[lane] === 0) continue;
      const start = projected.offsets[lane]!;
      const end = projected.offsets[lane + 1]! - 2;
      const mode = graph.lanes.mode[lane]!;
      if (seen !== undefined) {
        if (Number.isNaN(projected.points[start]!) || Number.isNaN(projected.points[end]!)) continue;
        const key = `${mode} ${Math.round(projected.points[start]!)} ${Math.round(projected.points[start + 1]!)} ${Math.round(projected.points[end]!)} ${Math.round(projected.points[end + 1]!)}`;
        if (seen.has(key)) continue;
        seen.add(key);
      }
      perMode[mode]!.push(lane);
    }
    return perMode;
  }, [projected, kept, graph]);

  const draw = useCallback(() => {
    const element = canvas.current;
    if (element === null || projected === undefined) return;
    const started = performance.now();
    const context = element.getContext('2d');
    if (context === null) return;
    const ratio = window.devicePixelRatio || 1;
    const { k, x, y } = view.current;
    // Where the view stands, for tests and tools.
    container.current?.setAttribute('data-view', `${k.toFixed(3)} ${x.toFixed(1)} ${y.toFixed(1)}`);
    context.setTransform(1, 0, 0, 1, 0, 0);
    context.clearRect(0, 0, element.width, element.height);
    context.setTransform(ratio * k, 0, 0, ratio * k, ratio * x, ratio * y);
    const path = geoPath(projected.projection, context);
    context.beginPath();
    path(SPHERE);
    context.fillStyle = '#dce8f3';
    context.fill();
    context.beginPath();
    path(COUNTRIES);
    context.fillStyle = '#fbfaf6';
    context.fill();
    context.lineWidth = 0.6 / k;
    context.strokeStyle = '#b9c2cd';
    context.stroke();

    const { companies } = graph;
    const laneCount = graph.lanes.buyer.length;
    if (!(moving.current && laneCount > LANES_WHILE_MOVING)) {
      context.lineWidth = (laneCount > ARC_LIMIT ? 0.6 : 1.2) / k;
      context.globalAlpha = laneCount > ARC_LIMIT ? 0.1 : laneCount > 2000 ? 0.4 : 0.8;
      for (let mode = 0; mode < graph.modes.length; mode++) {
        context.beginPath();
        for (const lane of drawn[mode]!) {
          const end = projected.offsets[lane + 1]!;
          let pen = false;
          for (let point = projected.offsets[lane]!; point < end; point += 2) {
            const px = projected.points[point]!;
            if (Number.isNaN(px)) {
              pen = false;
              continue;
            }
            if (pen) context.lineTo(px, projected.points[point + 1]!);
            else context.moveTo(px, projected.points[point + 1]!);
            pen = true;
          }
        }
        context.strokeStyle = MODE_COLOURS[graph.modes[mode]!] ?? '#555555';
        context.stroke();
      }
      context.globalAlpha = 1;
    }

    const many = companies.id.length > 3000;
    const radius = (many ? 1.6 : 3.5) / Math.sqrt(k);
    const byColour = new Map<string, number[]>();
    for (let index = 0; index < companies.id.length; index++) {
      if (kept.companies[index] === 0 || Number.isNaN(projected.siteX[index]!)) continue;
      const colour = tierColour(companies.tier[index]!);
      let list = byColour.get(colour);
      if (list === undefined) {
        list = [];
        byColour.set(colour, list);
      }
      list.push(index);
    }
    for (const [colour, indices] of byColour) {
      context.fillStyle = colour;
      context.beginPath();
      for (const index of indices) {
        const sx = projected.siteX[index]!;
        const sy = projected.siteY[index]!;
        if (many) context.rect(sx - radius, sy - radius, radius * 2, radius * 2);
        else {
          context.moveTo(sx + radius, sy);
          context.arc(sx, sy, radius, 0, Math.PI * 2);
        }
      }
      context.fill();
    }
    if (selected !== undefined && !Number.isNaN(projected.siteX[selected]!)) {
      const sx = projected.siteX[selected]!;
      const sy = projected.siteY[selected]!;
      context.beginPath();
      context.arc(sx, sy, 8 / k, 0, Math.PI * 2);
      context.lineWidth = 2.5 / k;
      context.strokeStyle = '#f0a500';
      context.stroke();
      context.font = `${13 / k}px system-ui, sans-serif`;
      context.fillStyle = '#111827';
      context.fillText(companies.name[selected]!, sx + 11 / k, sy + 4 / k);
    }
    if (!moving.current) setDrawMs(performance.now() - started);
  }, [projected, graph, kept, selected, drawn]);

  const schedule = useCallback(() => {
    cancelAnimationFrame(frame.current);
    frame.current = requestAnimationFrame(draw);
  }, [draw]);

  useEffect(() => {
    const element = canvas.current;
    if (element === null || size.width === 0) return;
    const ratio = window.devicePixelRatio || 1;
    element.width = size.width * ratio;
    element.height = size.height * ratio;
    element.style.width = `${size.width}px`;
    element.style.height = `${size.height}px`;
    schedule();
  }, [size, schedule]);

  // Moving: the cheap picture while the pointer or wheel moves, the full one 150 ms after.
  const settle = useRef(0);
  const moved = useCallback(() => {
    moving.current = true;
    schedule();
    window.clearTimeout(settle.current);
    settle.current = window.setTimeout(() => {
      moving.current = false;
      schedule();
    }, 150);
  }, [schedule]);

  const zoomAt = useCallback(
    (factor: number, cx: number, cy: number) => {
      const current = view.current;
      const k = Math.min(64, Math.max(1, current.k * factor));
      const applied = k / current.k;
      view.current = { k, x: cx - (cx - current.x) * applied, y: cy - (cy - current.y) * applied };
      moved();
    },
    [moved],
  );

  useEffect(() => {
    const element = canvas.current;
    if (element === null) return;
    const wheel = (event: WheelEvent) => {
      event.preventDefault();
      const box = element.getBoundingClientRect();
      zoomAt(Math.exp(-event.deltaY * 0.0015), event.clientX - box.left, event.clientY - box.top);
    };
    element.addEventListener('wheel', wheel, { passive: false });
    return () => element.removeEventListener('wheel', wheel);
  }, [zoomAt]);

  const drag = useRef<{ x: number; y: number; startX: number; startY: number } | undefined>(undefined);
  const onPointerDown = (event: PointerEvent<HTMLCanvasElement>) => {
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { x: event.clientX, y: event.clientY, startX: event.clientX, startY: event.clientY };
  };
  const onPointerMove = (event: PointerEvent<HTMLCanvasElement>) => {
    const start = drag.current;
    if (start === undefined) return;
    view.current = {
      ...view.current,
      x: view.current.x + event.clientX - start.x,
      y: view.current.y + event.clientY - start.y,
    };
    drag.current = { ...start, x: event.clientX, y: event.clientY };
    moved();
  };
  const onPointerUp = (event: PointerEvent<HTMLCanvasElement>) => {
    const start = drag.current;
    drag.current = undefined;
    if (start === undefined || projected === undefined) return;
    if (Math.hypot(event.clientX - start.startX, event.clientY - start.startY) > 4) return;
    const box = event.currentTarget.getBoundingClientRect();
    const { k, x, y } = view.current;
    const mapX = (event.clientX - box.left - x) / k;
    const mapY = (event.clientY - box.top - y) / k;
    let best: number | undefined;
    let bestDistance = (10 / k) ** 2;
    for (let index = 0; index < graph.companies.id.length; index++) {
      if (kept.companies[index] === 0) continue;
      const distance = (projected.siteX[index]! - mapX) ** 2 + (projected.siteY[index]! - mapY) ** 2;
      if (distance < bestDistance) {
        bestDistance = distance;
        best = index;
      }
    }
    setSelected(best);
  };

  const show = (index: number) => {
    setSelected(index);
    if (projected === undefined || Number.isNaN(projected.siteX[index]!)) return;
    const k = Math.max(view.current.k, 4);
    view.current = {
      k,
      x: size.width / 2 - projected.siteX[index]! * k,
      y: size.height / 2 - projected.siteY[index]! * k,
    };
    moved();
  };

  const whole = () => {
    view.current = { k: 1, x: 0, y: 0 };
    moved();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    // Keys typed into the zoom buttons are theirs.
    if (event.target !== event.currentTarget) return;
    const move = viewKeyMove(event.key);
    if (move === undefined) return;
    event.preventDefault();
    if (move.kind === 'pan') {
      view.current = { ...view.current, x: view.current.x - move.dx, y: view.current.y - move.dy };
      moved();
    } else if (move.kind === 'zoom') zoomAt(move.factor, size.width / 2, size.height / 2);
    else if (move.kind === 'whole') whole();
    else setSelected(undefined);
  };

  const located = useMemo(() => graph.companies.latitude.filter((value) => value !== null).length, [graph]);

  return (
    <>
      <NetworkToolbar loaded={loaded} filter={filter} onShow={show} shown={shown} />
      <div className="view">
        <div
          className="view-canvas"
          ref={container}
          // biome-ignore lint/a11y/noNoninteractiveTabindex: the map pans and zooms with the keyboard
          tabIndex={0}
          role="application"
          aria-roledescription="map"
          aria-label={`World map of ${graph.network}: ${count(located, 'site')} located, ${count(graph.lanes.buyer.length, 'lane')}. Arrow keys pan, plus and minus zoom, 0 shows the whole world, Escape clears the selection.`}
          onKeyDown={onKeyDown}
          data-ready={projected === undefined ? undefined : 'true'}
          data-draw-ms={drawMs === undefined ? undefined : drawMs.toFixed(1)}
        >
          <canvas
            ref={canvas}
            onPointerDown={onPointerDown}
            onPointerMove={onPointerMove}
            onPointerUp={onPointerUp}
            onPointerCancel={() => {
              drag.current = undefined;
            }}
          />
          <div className="view-controls">
            <button
              type="button"
              className="button-quiet"
              aria-label="Zoom in"
              onClick={() => zoomAt(1.5, size.width / 2, size.height / 2)}
            >
              +
            </button>
            <button
              type="button"
              className="button-quiet"
              aria-label="Zoom out"
              onClick={() => zoomAt(1 / 1.5, size.width / 2, size.height / 2)}
            >
              −
            </button>
            <button type="button" className="button-quiet" aria-label="Show the whole world" onClick={whole}>
              ⌂
            </button>
          </div>
        </div>
        <aside className="side panel" aria-label="Legend and selection">
          {selected === undefined ? (
            <p className="muted">
              Click a dot, or find a company above, to see it here. Keyboard: Tab to the map, arrow keys pan,
              + and − zoom, 0 shows the whole world.
            </p>
          ) : (
            <SelectedCompany loaded={loaded} index={selected} />
          )}
          <h2>Lanes by mode</h2>
          <ul className="legend">
            {graph.modes.map((mode) => (
              <li key={mode}>
                <span className="swatch" style={{ background: MODE_COLOURS[mode] }} /> {mode}
              </li>
            ))}
          </ul>
          <h2>Companies by tier</h2>
          <ul className="legend">
            {loaded.tiers.map((tier) => (
              <li key={String(tier)}>
                <span className="dot" style={{ background: tierColour(tier) }} /> {tierName(tier)}
              </li>
            ))}
          </ul>
          <p className="muted">
            {count(graph.companies.id.length - located, 'company', 'companies')} without a location are not on
            the map. Drawn in {drawMs === undefined ? '–' : duration(drawMs)}; loaded in{' '}
            {duration(loaded.loadMs)}.
          </p>
        </aside>
      </div>
    </>
  );
}

/** The chosen company, with a link to its page. */
export function SelectedCompany({ loaded, index }: { readonly loaded: LoadedGraph; readonly index: number }) {
  const { graph } = loaded;
  const { companies } = graph;
  let suppliers = 0;
  let customers = 0;
  for (let lane = 0; lane < graph.lanes.buyer.length; lane++) {
    if (graph.lanes.buyer[lane] === index) suppliers++;
    if (graph.lanes.supplier[lane] === index) customers++;
  }
  return (
    <section className="selected-company" aria-live="polite">
      <h2>{companies.name[index]}</h2>
      <p>
        {tierName(companies.tier[index]!)}
        <br />
        {[companies.city[index], companies.country[index]].filter(Boolean).join(', ')} (
        {graph.regions[companies.region[index]!]})
        <br />
        makes {count(companies.makes[index]!.length, 'item')}; {count(suppliers, 'supply lane')} in,{' '}
        {count(customers, 'lane')} out
      </p>
      <Link
        to={pathTo('/networks/:name/companies/:company', {
          name: graph.network,
          company: companies.id[index]!,
        })}
      >
        Open the page of {companies.name[index]}
      </Link>
    </section>
  );
}

/** Sites and lanes in projected coordinates for a map of `size`. */
function project(loaded: LoadedGraph, size: { width: number; height: number }): Projected {
  const { companies, lanes } = loaded.graph;
  const projection = geoNaturalEarth1().fitExtent(
    [
      [8, 8],
      [size.width - 8, size.height - 8],
    ],
    SPHERE,
  );
  const count = companies.id.length;
  const siteX = new Float32Array(count).fill(Number.NaN);
  const siteY = new Float32Array(count).fill(Number.NaN);
  for (let index = 0; index < count; index++) {
    const latitude = companies.latitude[index];
    const longitude = companies.longitude[index];
    if (latitude === null || latitude === undefined || longitude === null || longitude === undefined)
      continue;
    const point = projection([longitude, latitude]);
    if (point === null) continue;
    siteX[index] = point[0];
    siteY[index] = point[1];
  }
  const arcs = lanes.buyer.length <= ARC_LIMIT;
  const perLane = arcs ? (ARC_STEPS + 1) * 2 : 4;
  const points = new Float32Array(lanes.buyer.length * perLane).fill(Number.NaN);
  const offsets = new Uint32Array(lanes.buyer.length + 1);
  const breakAt = size.width / 3;
  for (let lane = 0; lane < lanes.buyer.length; lane++) {
    const base = lane * perLane;
    offsets[lane] = base;
    offsets[lane + 1] = base + perLane;
    const from = lanes.supplier[lane]!;
    const to = lanes.buyer[lane]!;
    if (Number.isNaN(siteX[from]!) || Number.isNaN(siteX[to]!)) continue;
    if (!arcs) {
      points[base] = siteX[from]!;
      points[base + 1] = siteY[from]!;
      points[base + 2] = siteX[to]!;
      points[base + 3] = siteY[to]!;
      continue;
    }
    const interpolate = geoInterpolate(
      [companies.longitude[from]!, companies.latitude[from]!],
      [companies.longitude[to]!, companies.latitude[to]!],
    );
    let previousX = Number.NaN;
    for (let step = 0; step <= ARC_STEPS; step++) {
      const point = projection(interpolate(step / ARC_STEPS));
      if (point === null) continue;
      // An arc across the antimeridian jumps from one edge to the other: break it there.
      if (!Number.isNaN(previousX) && Math.abs(point[0] - previousX) > breakAt) {
        points[base + step * 2] = Number.NaN;
        previousX = Number.NaN;
        continue;
      }
      points[base + step * 2] = point[0];
      points[base + step * 2 + 1] = point[1];
      previousX = point[0];
    }
  }
  return { projection, siteX, siteY, points, offsets };
}
