import { describe, expect, it } from 'vitest'

import { formatMass, formatNumber, formatShare } from './format'

describe('format', () => {
  it('formats with each locale’s own separators, one cached formatter per locale and digits', () => {
    expect(formatNumber('1234.567', 'en', 2)).toBe('1,234.57')
    expect(formatNumber('1234.567', 'de', 2)).toBe('1.234,57')
    expect(formatNumber('1234.567', 'en', 0)).toBe('1,235')
    // the cache must not hand back the English formatter for another locale
    expect(formatNumber('1234.567', 'en', 2)).toBe('1,234.57')
    expect(formatNumber(null, 'en')).toBe('—')
  })

  it('picks kg or t and percentages with an optional sign', () => {
    expect(formatMass('950', 'en')).toBe('950 kg')
    expect(formatMass('12345', 'en')).toBe('12.3 t')
    expect(formatMass('123456', 'de')).toBe('123 t')
    expect(formatShare(0.371, 'en')).toBe('37.1%')
    expect(formatShare(0.05, 'en', true)).toBe('+5%')
    expect(formatShare(0.05, 'en')).toBe('5%')
    expect(formatShare(Number.NaN, 'en')).toBe('—')
  })
})
