/** One page of the units list, as the server paginates and filters it. */
import { defineStore } from 'pinia'
import { ref } from 'vue'

import { ApiError } from '@/api/errors'
import { listUnits, type Unit } from '@/api/units'

export interface UnitsQuery {
  page: number
  pageSize: number
  q: string
}

export const DEFAULT_PAGE_SIZE = 50

export const useUnitsStore = defineStore('units', () => {
  const items = ref<Unit[]>([])
  const total = ref(0)
  const query = ref<UnitsQuery>({ page: 1, pageSize: DEFAULT_PAGE_SIZE, q: '' })
  const isLoading = ref(false)
  const error = ref<ApiError | null>(null)
  let controller: AbortController | null = null

  /** Fetch a page; a newer call cancels an older one still in flight. */
  async function fetchPage(next: Partial<UnitsQuery> = {}): Promise<void> {
    query.value = { ...query.value, ...next }
    controller?.abort()
    const own = new AbortController()
    controller = own
    isLoading.value = true
    error.value = null
    try {
      const q = query.value.q.trim()
      const page = await listUnits(
        { page: query.value.page, page_size: query.value.pageSize, ...(q ? { q } : {}) },
        own.signal,
      )
      items.value = page.items
      total.value = page.total
    } catch (e) {
      if (own.signal.aborted) return
      if (e instanceof ApiError) error.value = e
      else throw e
    } finally {
      if (controller === own) {
        isLoading.value = false
        controller = null
      }
    }
  }

  function $reset(): void {
    controller?.abort()
    controller = null
    items.value = []
    total.value = 0
    query.value = { page: 1, pageSize: DEFAULT_PAGE_SIZE, q: '' }
    isLoading.value = false
    error.value = null
  }

  return { items, total, query, isLoading, error, fetchPage, $reset }
})
