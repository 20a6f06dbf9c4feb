/**
 * The charts on screen that are waiting to be drawn (ECharts is loaded and run only
 * when a chart comes near the viewport, after the page is idle). `drawAll()` draws
 * every one of them now, e.g. before printing, so the printed page has every chart.
 */
type Draw = () => Promise<void>

const pending = new Set<Draw>()

export function register(draw: Draw): () => void {
  pending.add(draw)
  return () => pending.delete(draw)
}

export async function drawAll(): Promise<void> {
  await Promise.all([...pending].map((draw) => draw()))
}

/** Run `fn` when the browser is idle (after at most `timeout` ms), or soon where there is no idle callback. */
export function whenIdle(fn: () => void, timeout = 2000): () => void {
  if (typeof window.requestIdleCallback === 'function') {
    const id = window.requestIdleCallback(fn, { timeout })
    return () => window.cancelIdleCallback(id)
  }
  const id = window.setTimeout(fn, 1)
  return () => window.clearTimeout(id)
}
