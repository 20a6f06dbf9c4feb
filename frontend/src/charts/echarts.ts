/**
 * ECharts, tree-shaken: only the charts and components the results page draws.
 * Imported lazily (`await import('@/charts/echarts')`), so it is its own chunk
 * and never part of the initial JavaScript.
 */
import { BarChart, PieChart } from 'echarts/charts'
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import { init, use } from 'echarts/core'
import { SVGRenderer } from 'echarts/renderers'

use([BarChart, PieChart, GridComponent, TooltipComponent, LegendComponent, AriaComponent, SVGRenderer])

export { init }
export type { EChartsType } from 'echarts/core'
