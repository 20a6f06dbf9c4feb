/**
 * Colour-blind-safe palette (Okabe & Ito, "Color Universal Design"), darkest first
 * so the first series keep ≥ 3:1 contrast on white (WCAG 1.4.11). Its own module so
 * the HTML bar charts can use it without loading ECharts.
 */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#000000', '#56B4E9', '#E69F00', '#F0E442']

/** The colour of single-series bars (HTML and ECharts alike): ≥ 7:1 on white. */
export const BAR_COLOUR = '#1b5e20'
