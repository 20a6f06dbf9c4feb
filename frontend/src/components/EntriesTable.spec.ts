import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'

import type { EntryItem } from '@/api/entries'
import { MODULE_SPECS } from '@/domain/modules'
import { createTestI18n } from '@/test/i18n'

import EntriesTable from './EntriesTable.vue'

const plane = MODULE_SPECS.travel.submodules[0]!
const entry = (id: number, extra: Partial<EntryItem> = {}): EntryItem => ({
  id,
  module: 'travel',
  submodule: 'plane',
  data: { origin: 'GVA', destination: 'CDG', trips: 1 },
  note: null,
  kg_co2e: '120.5',
  estimate: false,
  flag: null,
  emissions: [],
  owner_user_id: null,
  source: 'form',
  created_at: '',
  updated_at: '',
  version: 1,
  train_alternative: null,
  ...extra,
})

const make = (rows: EntryItem[], total: number) =>
  mount(EntriesTable, {
    props: {
      sub: plane, rows, total, page: 1, pageSize: 25, sort: '', search: '', flagged: null, filters: {},
      locale: 'en', canEdit: true, editingId: null,
    },
    global: { plugins: [createTestI18n()] },
  })

describe('EntriesTable', () => {
  it('pages with the server’s row count, not the rows it holds', async () => {
    const w = make([entry(1)], 0)
    await w.setProps({ total: 601 })
    expect(w.text()).toContain('1–25 of 601')
  })

  it('shows why a row is flagged, the train alternative and an explain button', async () => {
    const w = make(
      [
        entry(1, { flag: { reason: 'unknown_airport', detail: 'ZZZ is not an airport' }, kg_co2e: '0' }),
        entry(2, { train_alternative: { origin_station: 'Genève', destination_station: 'Paris Gare de Lyon', kg_co2e: '4.2' } }),
      ],
      2,
    )
    expect(w.get('[data-test="entry-row-1"] [data-test="entry-flag"]').text()).toContain('ZZZ is not an airport')
    expect(w.get('[data-test="entry-row-2"] [data-test="entry-train-alternative"]').text()).toBe(
      'By train Genève – Paris Gare de Lyon: 4.2 kg',
    )
    await w.get('[data-test="entry-row-2"] [data-test="entry-explain"]').trigger('click')
    expect(w.emitted('explain')?.[0]?.[0]).toMatchObject({ id: 2 })
  })

  it('offers a bulk delete of the ticked rows to those who may edit', async () => {
    const w = make([entry(1), entry(2)], 2)
    expect(w.find('[data-test="entries-bulk-delete"]').exists()).toBe(false)
    await w.get('[data-test="entry-row-2"] [data-test="entry-select"]').trigger('click')
    await w.get('[data-test="entries-bulk-delete"]').trigger('click')
    expect(w.emitted('bulk-delete')?.[0]?.[0]).toMatchObject([{ id: 2 }])
  })
})

