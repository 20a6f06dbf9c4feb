/**
 * ECharts, tree-shaken: only the charts and components our pages draw (bar and line
 * with grid, tooltip, legend and ARIA), on the canvas renderer so a chart can be saved
 * as PNG (`getDataURL`). Imported lazily (`await import('@/charts/echarts')`), so it is
 * its own chunk and never part of the initial JavaScript. Measured (vite build, gzip):
 * the core is most of it (≈170 KB gz): dropping the pie chart and mark lines saved
 * 13 KB, the plain legend 2 KB more, the SVG renderer is 2 KB larger than canvas.
 */
import { BarChart, LineChart } from 'echarts/charts'
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import { init as initChart, registerTheme, use } from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'

import { PALETTE } from './palette'

use([BarChart, LineChart, GridComponent, TooltipComponent, LegendComponent, AriaComponent, CanvasRenderer])

export { PALETTE }
registerTheme('co2calc', { color: PALETTE })

/** `init` with the co2calc theme (palette) unless another theme is asked for. */
export const init: typeof initChart = (dom, theme, opts) => initChart(dom, theme ?? 'co2calc', opts)

/**
 * A chart drawn off-screen and returned as a PNG data URL: for charts shown without
 * ECharts (HTML bars), whose PNG is drawn only when asked for.
 */
export function optionToPng(option: Record<string, unknown>, width: number, height: number): string {
  const el = document.createElement('div')
  const chart = init(el, undefined, { renderer: 'canvas', width, height })
  try {
    chart.setOption({ ...option, animation: false })
    return chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#fff' })
  } finally {
    chart.dispose()
  }
}
export type { EChartsType } from 'echarts/core'
