/** The import jobs console: running and failed jobs with their progress. */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'

import { ApiError } from '@/api/errors'
import { type ImportJob, type JobStatus, listJobs } from '@/api/jobs'

export const useAdminJobsStore = defineStore('adminJobs', () => {
  const jobs = ref<ImportJob[]>([])
  const total = ref(0)
  const status = ref<JobStatus | null>(null)
  const page = ref(1)
  const pageSize = ref(25)
  const isLoading = ref(false)
  const error = ref<ApiError | null>(null)
  let controller: AbortController | null = null

  /** Some job is still moving: the page keeps polling while this is true. */
  const active = computed(() => jobs.value.some((j) => j.status === 'pending' || j.status === 'running'))

  async function load(next: { status?: JobStatus | null; page?: number } = {}): Promise<void> {
    if (next.status !== undefined) status.value = next.status
    if (next.page !== undefined) page.value = next.page
    controller?.abort()
    const own = new AbortController()
    controller = own
    isLoading.value = true
    error.value = null
    try {
      const out = await listJobs(
        { page: page.value, page_size: pageSize.value, ...(status.value ? { status: status.value } : {}) },
        own.signal,
      )
      jobs.value = out.items
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

  return { jobs, total, status, page, pageSize, isLoading, error, active, load }
})
