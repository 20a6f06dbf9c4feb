/**
 * Display formatting of the server's numbers (decimal strings). Presentation
 * only: choosing kg or t for a label is a change of unit, never a computation
 * of emissions.
 */

/** Formatters are costly to build (locale data lookup): one per locale and options, reused. */
const formatters = new Map<string, Intl.NumberFormat>()
function cached(key: string, make: () => Intl.NumberFormat): Intl.NumberFormat {
  let f = formatters.get(key)
  if (f === undefined) {
    f = make()
    formatters.set(key, f)
  }
  return f
}

const nf = (locale: string, digits: number) =>
  cached(`${locale}|${digits}`, () => new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: 0 }))

export function toNumber(value: string | number | null | undefined): number | null {
  if (value === null || value === undefined || value === '') return null
  const n = typeof value === 'number' ? value : Number(value)
  return Number.isFinite(n) ? n : null
}

/** "1,234 kg" under one tonne, "12.3 t" above. */
export function formatMass(kg: string | number | null | undefined, locale: string): string {
  const n = toNumber(kg)
  if (n === null) return '—'
  if (Math.abs(n) >= 1000) return `${nf(locale, Math.abs(n) >= 100_000 ? 0 : 1).format(n / 1000)} t`
  return `${nf(locale, Math.abs(n) >= 100 ? 0 : 1).format(n)} kg`
}

export function formatNumber(value: string | number | null | undefined, locale: string, digits = 2): string {
  const n = toNumber(value)
  return n === null ? '—' : nf(locale, digits).format(n)
}

/** A share in [0, 1] as a percentage ("37 %"). */
export function formatShare(value: number | null | undefined, locale: string, signed = false): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—'
  const make = () =>
    new Intl.NumberFormat(locale, {
      style: 'percent',
      maximumFractionDigits: 1,
      ...(signed ? { signDisplay: 'exceptZero' as const } : {}),
    })
  return cached(`${locale}|%|${signed}`, make).format(value)
}

export function formatDate(iso: string | null | undefined, locale: string): string {
  if (!iso) return '—'
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? iso : new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(d)
}
