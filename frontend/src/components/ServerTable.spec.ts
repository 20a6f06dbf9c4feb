import { mount } from '@vue/test-utils'
import type { QTableColumn } from 'quasar'
import { describe, expect, it } from 'vitest'

import { createTestI18n } from '@/test/i18n'

import ServerTable from './ServerTable.vue'

type Row = { id: number; name: string }
const columns: QTableColumn<Row>[] = [{ name: 'name', label: 'Name', field: 'name', align: 'left' }]
const rows: Row[] = Array.from({ length: 25 }, (_, i) => ({ id: i + 1, name: `row ${i + 1}` }))

const make = (slots = {}) =>
  mount(ServerTable<Row>, {
    props: { rows, columns, rowKey: 'id', page: 1, pageSize: 25, total: 601, loading: false, noDataLabel: 'Nothing' },
    attrs: { 'data-test': 'a-table' },
    slots,
    global: { plugins: [createTestI18n()] },
  })

describe('ServerTable', () => {
  it('pages with the server’s total and asks for the next page', async () => {
    const w = make()
    expect(w.text()).toContain('1–25 of 601')
    expect(w.find('[data-test="a-table"]').exists()).toBe(true)
    await w.get('button[aria-label="Next page"]').trigger('click')
    expect(w.emitted('request')?.[0]).toEqual([2, 25])
  })

  it('passes QTable slots through', () => {
    const w = make({ 'body-cell-name': '<td class="custom">custom cell</td>' })
    expect(w.findAll('.custom')).toHaveLength(25)
  })
})
