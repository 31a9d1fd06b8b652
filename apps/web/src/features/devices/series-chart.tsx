import type { seriesPoint } from '@civitas/contracts/devices';
import { useEffect, useRef } from 'react';
import type { z } from 'zod';
import { echarts } from './echarts-setup';

/** A point of a metric's series as GET /devices/:id/series answers it (or a live reading). */
export type ChartPoint = Pick<z.infer<typeof seriesPoint>, 'ts' | 'value' | 'min' | 'max'>;

interface SeriesChartProps {
  points: ChartPoint[];
  unit: string | null;
  /** The text alternative: screen readers get this instead of the canvas. */
  label: string;
  rangeLabels: { mean: string; min: string; max: string };
}

/** ECharts line chart; loaded as its own chunk so only screens with a chart download ECharts. */
export default function SeriesChart({ points, unit, label, rangeLabels }: SeriesChartProps) {
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
    const chart = chartRef.current;
    if (!chart) return;
    const hasBand = points.some((p) => p.min !== undefined && p.min !== null);
    const line = (name: string, pick: (p: ChartPoint) => number | null | undefined, dashed: boolean) => ({
      name,
      type: 'line' as const,
      showSymbol: points.length < 60,
      connectNulls: false,
      lineStyle: dashed ? { type: 'dashed' as const, width: 1 } : { width: 2 },
      data: points.map((p) => [p.ts, pick(p) ?? null]),
    });
    chart.setOption(
      {
        animation: false,
        grid: { left: 56, right: 16, top: 24, bottom: 32 },
        tooltip: { trigger: 'axis' },
        xAxis: { type: 'time' },
        yAxis: { type: 'value', scale: true, name: unit ?? '' },
        color: ['#1d4f91', '#8a94a3', '#8a94a3'],
        series: [
          line(rangeLabels.mean, (p) => p.value, false),
          ...(hasBand
            ? [line(rangeLabels.min, (p) => p.min, true), line(rangeLabels.max, (p) => p.max, true)]
            : []),
        ],
      },
      { notMerge: true },
    );
  }, [points, unit, rangeLabels]);

  return <div ref={ref} className="chart" role="img" aria-label={label} data-testid="series-chart" />;
}
