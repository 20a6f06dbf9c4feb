/**
 * ECharts, tree-shaken: only the charts and components our pages draw (bar, pie,
 * line with mark lines), on the canvas renderer so a chart can be saved as PNG
 * (`getDataURL`). Imported lazily (`await import('@/charts/echarts')`), so it is
 * its own chunk and never part of the initial JavaScript.
 */
import { BarChart, LineChart, PieChart } from 'echarts/charts'
import {
  AriaComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
} from 'echarts/components'
import { init as initChart, registerTheme, use } from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'

use([
  BarChart,
  LineChart,
  PieChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  MarkLineComponent,
  AriaComponent,
  CanvasRenderer,
])

/**
 * Colour-blind-safe palette (Okabe & Ito, "Color Universal Design"), darkest first
 * so the first series keep ≥ 3:1 contrast on white (WCAG 1.4.11).
 */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#000000', '#56B4E9', '#E69F00', '#F0E442']
registerTheme('co2calc', { color: PALETTE })

/** `init` with the co2calc theme (palette) unless another theme is asked for. */
export const init: typeof initChart = (dom, theme, opts) => initChart(dom, theme ?? 'co2calc', opts)
export type { EChartsType } from 'echarts/core'
