import { useEffect, useRef } from 'react';
import { BarChart } from 'echarts/charts';
// The devices chart setup already registers the grid, tooltip and canvas renderer; this chunk
// adds only the bar series on top of it.
import { echarts } from '../devices/echarts-setup';

echarts.use([BarChart]);

export interface MetricsChartProps {
  labels: string[];
  values: (number | null)[];
  seriesName: string;
  /** The text alternative: screen readers get this instead of the canvas. */
  label: string;
}

/** A bar per group row; loaded as its own chunk so only screens with a chart download ECharts. */
export default function MetricsChart({ labels, values, seriesName, label }: MetricsChartProps) {
  const ref = useRef<HTMLDivElement>(null);
  const chartRef = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current, undefined, { renderer: 'canvas' });
    chartRef.current = chart;
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
      chartRef.current = null;
    };
  }, []);

  useEffect(() => {
    chartRef.current?.setOption(
      {
        animation: false,
        grid: { left: 56, right: 16, top: 24, bottom: 72 },
        tooltip: { trigger: 'axis' },
        xAxis: { type: 'category', data: labels, axisLabel: { rotate: labels.length > 6 ? 30 : 0 } },
        yAxis: { type: 'value' },
        color: ['#1d4f91'],
        series: [{ name: seriesName, type: 'bar', data: values }],
      },
      { notMerge: true },
    );
  }, [labels, values, seriesName]);

  return <div ref={ref} className="chart" role="img" aria-label={label} data-testid="metrics-chart" />;
}
