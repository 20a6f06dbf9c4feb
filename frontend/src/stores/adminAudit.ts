/** The audit log: filtered, paginated, exportable. */
import { defineStore } from 'pinia'
import { ref } from 'vue'

import { type AuditEntry, type AuditFilters, listAudit } from '@/api/audit'
import { latestRequest } from '@/composables/latestRequest'

export const useAdminAuditStore = defineStore('adminAudit', () => {
  const items = ref<AuditEntry[]>([])
  const total = ref(0)
  const filters = ref<AuditFilters>({})
  const page = ref(1)
  const pageSize = ref(50)
  const { isLoading, error, run } = latestRequest()

  async function load(next: { filters?: AuditFilters; page?: number } = {}): Promise<void> {
    if (next.filters !== undefined) filters.value = next.filters
    if (next.page !== undefined) page.value = next.page
    await run(
      (signal) => listAudit({ ...filters.value, page: page.value, page_size: pageSize.value }, signal),
      (out) => {
        items.value = out.items
        total.value = out.total
      },
    )
  }

  return { items, total, filters, page, pageSize, isLoading, error, load }
})
