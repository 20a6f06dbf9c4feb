/** Cross-unit reporting: the summary and the units in scope under one set of filters. */
import { defineStore } from 'pinia'
import { ref } from 'vue'

import { ApiError } from '@/api/errors'
import {
  type ReportingFilters,
  type ReportingRow,
  type ReportingSort,
  type ReportingSummary,
  reportingSummary,
  reportingUnits,
} from '@/api/reporting'
import { listUnits, type Unit } from '@/api/units'
import { listYears, type Year } from '@/api/years'
import { latestRequest } from '@/composables/latestRequest'

export const useReportingStore = defineStore('reporting', () => {
  const filters = ref<ReportingFilters>({ year: new Date().getFullYear() - 1 })
  const summary = ref<ReportingSummary | null>(null)
  const rows = ref<ReportingRow[]>([])
  const total = ref(0)
  const page = ref(1)
  const pageSize = ref(25)
  const sort = ref<ReportingSort>('code')
  const { isLoading, error, run } = latestRequest()
  /** The units the caller may see: the choices of the subtree filter. */
  const units = ref<Unit[]>([])

  const years = ref<Year[]>([])

  /** The reporting years; returns the one to show by default (the newest open, else the newest). */
  async function loadYears(): Promise<number | null> {
    try {
      years.value = await listYears()
    } catch (e) {
      if (!(e instanceof ApiError)) throw e
      error.value = e
    }
    const sorted = [...years.value].sort((a, b) => b.year - a.year)
    return (sorted.find((y) => y.status === 'open') ?? sorted[0])?.year ?? null
  }

  async function loadUnits(): Promise<void> {
    if (units.value.length) return
    try {
      units.value = (await listUnits({ page_size: 500 })).items
    } catch (e) {
      if (!(e instanceof ApiError)) throw e
      error.value = e
    }
  }

  async function load(
    next: { filters?: ReportingFilters; page?: number; sort?: ReportingSort } = {},
  ): Promise<void> {
    const filtersChanged = next.filters !== undefined
    if (next.filters !== undefined) filters.value = next.filters
    if (next.page !== undefined) page.value = next.page
    if (next.sort !== undefined) sort.value = next.sort
    await run(
      (signal) =>
        Promise.all([
          filtersChanged || summary.value === null ? reportingSummary(filters.value, signal) : Promise.resolve(summary.value),
          reportingUnits({ ...filters.value, page: page.value, page_size: pageSize.value, sort: sort.value }, signal),
        ]),
      ([s, units]) => {
        summary.value = s
        rows.value = units.items
        total.value = units.total
      },
      () => {
        summary.value = null
        rows.value = []
        total.value = 0
      },
    )
  }

  return { filters, summary, rows, total, page, pageSize, sort, isLoading, error, units, years, load, loadUnits, loadYears }
})
