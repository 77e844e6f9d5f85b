import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** One line of a chart. */
export interface Series {
  label: string;
  values: (number | null)[];
  color: string;
}

/**
 * A uPlot time-series chart: `x` in seconds since the epoch, one line per series. uPlot draws on a
 * canvas it owns, so the component hands it a container and rebuilds the plot when data changes;
 * a table beside it (in the view) carries the same numbers for screen readers.
 */
export function TimeChart(props: { title: string; x: number[]; series: Series[]; unit: string }) {
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = container.current;
    if (!element || props.x.length === 0) return;
    const plot = new uPlot(
      {
        title: props.title,
        width: Math.max(320, Math.min(element.clientWidth || 640, 900)),
        height: 220,
        scales: { x: { time: true } },
        axes: [{}, { label: props.unit }],
        series: [{}, ...props.series.map((series) => ({ label: series.label, stroke: series.color, width: 2, spanGaps: true }))],
      },
      [props.x, ...props.series.map((series) => series.values)],
      element,
    );
    return () => plot.destroy();
  }, [props.title, props.x, props.series, props.unit]);
  return <div class="chart" ref={container} role="img" aria-label={props.title} data-testid="chart" />;
}
