// Preloaded into `keten demo` by bench/demo.ts (`node --import ./bench/loop-probe.mjs …`): every second
// appends one JSON line to the file KETEN_LOOP_PROBE names with the main thread's event-loop delay over
// that second (p50, p99 and the longest, ms; monitorEventLoopDelay at 10 ms resolution) and the
// process's CPU time so far (every thread, ms). Plain JavaScript: it runs before tsx is registered.
import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';

const file = process.env.KETEN_LOOP_PROBE;
if (isMainThread && file !== undefined && file !== '') {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const ms = (nanoseconds) => Math.round(nanoseconds / 1e5) / 10;
  setInterval(() => {
    const cpu = process.cpuUsage();
    appendFileSync(
      file,
      `${JSON.stringify({
        at: Date.now(),
        p50: ms(histogram.percentile(50)),
        p99: ms(histogram.percentile(99)),
        max: ms(histogram.max),
        cpu: Math.round((cpu.user + cpu.system) / 1000),
      })}\n`,
    );
    histogram.reset();
  }, 1000).unref();
}
