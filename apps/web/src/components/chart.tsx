/**
 * @module components/chart
 * An ECharts chart (bundled: nothing is fetched) drawn as SVG, so it stays sharp when printed and
 * can be read by tests. `option` comes from a pure builder beside the page; `label` describes the
 * chart for screen readers (the figures themselves are in a table on the page too).
 */
import { BarChart, LineChart, ScatterChart } from 'echarts/charts';
import {
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
} from 'echarts/components';
import { type ComposeOption, init, use } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

use([
  BarChart,
  LineChart,
  ScatterChart,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
  DataZoomComponent,
  SVGRenderer,
]);

/** The options the bundled parts understand. */
export type ChartOption = ComposeOption<
  | import('echarts/charts').BarSeriesOption
  | import('echarts/charts').LineSeriesOption
  | import('echarts/charts').ScatterSeriesOption
  | import('echarts/components').GridComponentOption
  | import('echarts/components').LegendComponentOption
  | import('echarts/components').MarkAreaComponentOption
  | import('echarts/components').MarkLineComponentOption
  | import('echarts/components').TitleComponentOption
  | import('echarts/components').TooltipComponentOption
  | import('echarts/components').DataZoomComponentOption
>;

export function Chart({
  option,
  label,
  height = 320,
  testId,
}: {
  readonly option: ChartOption;
  readonly label: string;
  readonly height?: number;
  readonly testId?: string;
}) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<ReturnType<typeof init> | undefined>(undefined);

  useEffect(() => {
    if (element.current === null) return;
    const instance = init(element.current, undefined, { renderer: 'svg' });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(element.current);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = undefined;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return (
    <div
      className="chart"
      ref={element}
      role="img"
      aria-label={label}
      data-testid={testId}
      style={{ height: `${height}px` }}
    />
  );
}
