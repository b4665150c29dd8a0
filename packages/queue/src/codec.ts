/**
 * @module codec
 * The bytes on the queue. A job's model is gzipped JSON of `{ network, scenario, seed }` (a
 * 60,000-company network is about 120 MB of JSON, far above a NATS message, so it goes to the object
 * store). Run results are binary: a run's `values` and `series` arrays as float64, little-endian, so
 * a run of the demo network is a few kilobytes and no number is printed and parsed.
 *
 * A result message is an 8-byte header (kind, run count) and, for runs, one record per run: a 16-byte
 * header (run index, values length, series length, 0) and the two arrays. Every array starts at a
 * multiple of 8 bytes.
 */

import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { Network, RunResult, Scenario } from '@keten/core';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** What a worker needs to simulate a job's runs. */
export interface SimulationJob {
  readonly network: Network;
  readonly scenario: Scenario;
  readonly seed: number;
}

const JOB_FORMAT = 'keten.simulation-job/v1';

export async function encodeJob(job: SimulationJob): Promise<Uint8Array> {
  const text = JSON.stringify({ format: JOB_FORMAT, ...job });
  return new Uint8Array(await gzipAsync(text, { level: 1 }));
}

export async function decodeJob(bytes: Uint8Array): Promise<SimulationJob> {
  const data = JSON.parse((await gunzipAsync(bytes)).toString('utf8')) as SimulationJob & {
    format?: string;
  };
  if (data.format !== JOB_FORMAT)
    throw new Error(`not a simulation job (${JOB_FORMAT}): format ${String(data.format)}`);
  return { network: data.network, scenario: data.scenario, seed: data.seed };
}

/** A result message, decoded. */
export type ResultMessage =
  | { readonly type: 'runs'; readonly results: RunResult[] }
  /** A worker is still on a task of the job (sent every few seconds while it works). */
  | { readonly type: 'working' }
  /** A run too large for a message, stored as the object `name`. */
  | { readonly type: 'stored'; readonly run: number; readonly name: string }
  /** A worker could not do a task. */
  | { readonly type: 'failed'; readonly runs: readonly number[]; readonly message: string };

const KIND = { runs: 1, working: 2, stored: 3, failed: 4 } as const;
const HEADER = 8;
const RECORD_HEADER = 16;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The bytes of one run's record. */
export function runBytes(result: RunResult): number {
  return RECORD_HEADER + 8 * (result.values.length + result.series.length);
}

/**
 * The runs as result messages of at most `maxBytes` each (a run that does not fit alone is left
 * out: `oversized` lists it, for the caller to store as an object).
 */
export function encodeRuns(
  results: readonly RunResult[],
  maxBytes: number,
): { messages: Uint8Array[]; oversized: RunResult[] } {
  const messages: Uint8Array[] = [];
  const oversized: RunResult[] = [];
  let batch: RunResult[] = [];
  let size = HEADER;
  const flush = () => {
    if (batch.length > 0) messages.push(encodeBatch(batch, size));
    batch = [];
    size = HEADER;
  };
  for (const result of results) {
    const bytes = runBytes(result);
    if (HEADER + bytes > maxBytes) {
      oversized.push(result);
      continue;
    }
    if (size + bytes > maxBytes) flush();
    batch.push(result);
    size += bytes;
  }
  flush();
  return { messages, oversized };
}

function encodeBatch(results: readonly RunResult[], size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  view.setUint8(0, KIND.runs);
  view.setUint32(4, results.length, true);
  let offset = HEADER;
  for (const result of results) {
    view.setUint32(offset, result.run, true);
    view.setUint32(offset + 4, result.values.length, true);
    view.setUint32(offset + 8, result.series.length, true);
    offset += RECORD_HEADER;
    offset = writeFloats(bytes, view, offset, result.values);
    offset = writeFloats(bytes, view, offset, result.series);
  }
  return bytes;
}

function writeFloats(bytes: Uint8Array, view: DataView, offset: number, values: Float64Array): number {
  if (LITTLE_ENDIAN) {
    bytes.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), offset);
  } else {
    for (let i = 0; i < values.length; i++) view.setFloat64(offset + 8 * i, values[i]!, true);
  }
  return offset + values.byteLength;
}

function readFloats(bytes: Uint8Array, offset: number, length: number): Float64Array {
  const values = new Float64Array(length);
  if (LITTLE_ENDIAN) {
    new Uint8Array(values.buffer).set(bytes.subarray(offset, offset + 8 * length));
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < length; i++) values[i] = view.getFloat64(offset + 8 * i, true);
  }
  return values;
}

export function encodeWorking(): Uint8Array {
  return header(KIND.working, 0);
}

export function encodeStored(run: number, name: string): Uint8Array {
  return withText(header(KIND.stored, run), name);
}

export function encodeFailed(runs: readonly number[], message: string): Uint8Array {
  return withText(header(KIND.failed, 0), JSON.stringify({ runs, message }));
}

function header(kind: number, count: number): Uint8Array {
  const bytes = new Uint8Array(HEADER);
  const view = new DataView(bytes.buffer);
  view.setUint8(0, kind);
  view.setUint32(4, count, true);
  return bytes;
}

function withText(head: Uint8Array, text: string): Uint8Array {
  const body = new TextEncoder().encode(text);
  const bytes = new Uint8Array(head.length + body.length);
  bytes.set(head);
  bytes.set(body, head.length);
  return bytes;
}

/** Decodes a result message; throws on bytes that are not one (a message from something else). */
export function decodeResultMessage(bytes: Uint8Array): ResultMessage {
  if (bytes.length < HEADER) throw new Error(`a result message of ${bytes.length} bytes is too short`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const kind = view.getUint8(0);
  const count = view.getUint32(4, true);
  const text = () => new TextDecoder().decode(bytes.subarray(HEADER));
  switch (kind) {
    case KIND.working:
      return { type: 'working' };
    case KIND.stored:
      return { type: 'stored', run: count, name: text() };
    case KIND.failed: {
      const { runs, message } = JSON.parse(text()) as { runs: number[]; message: string };
      return { type: 'failed', runs, message };
    }
    case KIND.runs: {
      const results: RunResult[] = [];
      let offset = HEADER;
      for (let index = 0; index < count; index++) {
        if (offset + RECORD_HEADER > bytes.length) throw new Error('a result message is cut short');
        const run = view.getUint32(offset, true);
        const valuesLength = view.getUint32(offset + 4, true);
        const seriesLength = view.getUint32(offset + 8, true);
        offset += RECORD_HEADER;
        if (offset + 8 * (valuesLength + seriesLength) > bytes.length)
          throw new Error('a result message is cut short');
        const values = readFloats(bytes, offset, valuesLength);
        offset += 8 * valuesLength;
        const series = readFloats(bytes, offset, seriesLength);
        offset += 8 * seriesLength;
        results.push({ run, values, series });
      }
      return { type: 'runs', results };
    }
    default:
      throw new Error(`unknown result message kind ${kind}`);
  }
}
