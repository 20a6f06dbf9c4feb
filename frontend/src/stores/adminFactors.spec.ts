import { describe, expect, it } from 'vitest'

import type { Factor } from '@/api/admin'
import { problemFromBody } from '@/api/errors'

import { diffFactors, rowProblems } from './adminFactors'

const factor = (id: string, value: string, extra: Partial<Factor> = {}): Factor => ({
  factor_id: id,
  module: 'travel',
  submodule: 'plane',
  key: id,
  value,
  unit: 'kg/pkm',
  uncertainty: '0.1',
  source: 'S',
  source_table: 'T',
  source_year: 2024,
  gwp_set: 'AR5',
  non_co2: 'not_applicable',
  non_co2_multiplier: null,
  electricity_mix: null,
  base_year: null,
  currency: null,
  licence: '',
  notes: '',
  ...extra,
})

describe('rowProblems', () => {
  it('groups the server’s 422 errors by file row, header first', () => {
    // As co2calc.api.factors._row_error sends them: loc = ["row", n, column].
    const error = problemFromBody(422, 'Unprocessable', {
      status: 422,
      type: 'https://co2calc.org/problems/validation',
      title: 'Invalid',
      detail: '3 problem(s)',
      errors: [
        { loc: ['row', 2, 'value'], field: 'value', row: 2, type: 'not_a_number', message: 'not a number' },
        { loc: ['row', 0, 'colour'], field: 'colour', row: 0, type: 'unknown_column', message: 'unknown column' },
        { loc: ['row', 2, 'unit'], field: 'unit', row: 2, type: 'missing', message: 'required' },
      ],
    })
    expect(rowProblems(error)).toEqual([
      { row: 0, problems: [{ column: 'colour', message: 'unknown column', type: 'unknown_column' }] },
      {
        row: 2,
        problems: [
          { column: 'value', message: 'not a number', type: 'not_a_number' },
          { column: 'unit', message: 'required', type: 'missing' },
        ],
      },
    ])
    expect(rowProblems(null)).toEqual([])
  })
})

describe('diffFactors', () => {
  it('lists added, changed and stale factors by id', () => {
    const before = [factor('a', '0.1'), factor('b', '0.2'), factor('c', '0.3')]
    const after = [factor('a', '0.1'), factor('b', '0.25', { source_year: 2025 }), factor('d', '1')]
    const d = diffFactors('v1', before, 'v2', after)
    expect(d.added.map((f) => f.factor_id)).toEqual(['d'])
    expect(d.stale.map((f) => f.factor_id)).toEqual(['c'])
    expect(d.changed.map((c) => [c.after.factor_id, c.fields])).toEqual([['b', ['value', 'source_year']]])
    expect(d.unchanged).toBe(1)
  })
})
