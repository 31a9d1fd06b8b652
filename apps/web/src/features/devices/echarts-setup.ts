// Tree-shaken ECharts: only the line chart, the pieces it uses and the canvas renderer end up in
// the chart chunk (the full build is about four times larger).
import * as echarts from 'echarts/core';
import { LineChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([LineChart, GridComponent, TooltipComponent, CanvasRenderer]);

export { echarts };
