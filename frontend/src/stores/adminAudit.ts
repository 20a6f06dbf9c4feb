/** The audit log: filtered, paginated, exportable. */
import { defineStore } from 'pinia'
import { ref } from 'vue'

import { type AuditEntry, type AuditFilters, listAudit } from '@/api/audit'
import { ApiError } from '@/api/errors'

export const useAdminAuditStore = defineStore('adminAudit', () => {
  const items = ref<AuditEntry[]>([])
  const total = ref(0)
  const filters = ref<AuditFilters>({})
  const page = ref(1)
  const pageSize = ref(50)
  const isLoading = ref(false)
  const error = ref<ApiError | null>(null)
  let controller: AbortController | null = null

  async function load(next: { filters?: AuditFilters; page?: number } = {}): Promise<void> {
    if (next.filters !== undefined) filters.value = next.filters
    if (next.page !== undefined) page.value = next.page
    controller?.abort()
    const own = new AbortController()
    controller = own
    isLoading.value = true
    error.value = null
    try {
      const out = await listAudit({ ...filters.value, page: page.value, page_size: pageSize.value }, own.signal)
      items.value = out.items
      total.value = out.total
    } catch (e) {
      if (own.signal.aborted) return
      if (!(e instanceof ApiError)) throw e
      error.value = e
    } finally {
      if (controller === own) {
        isLoading.value = false
        controller = null
      }
    }
  }

  return { items, total, filters, page, pageSize, isLoading, error, load }
})
