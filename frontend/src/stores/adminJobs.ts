/** The import jobs console: running and failed jobs with their progress. */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'

import { type ImportJob, type JobStatus, listJobs } from '@/api/jobs'
import { latestRequest } from '@/composables/latestRequest'

export const useAdminJobsStore = defineStore('adminJobs', () => {
  const jobs = ref<ImportJob[]>([])
  const total = ref(0)
  const status = ref<JobStatus | null>(null)
  const page = ref(1)
  const pageSize = ref(25)
  const { isLoading, error, run } = latestRequest()

  /** Some job is still moving: the page keeps polling while this is true. */
  const active = computed(() => jobs.value.some((j) => j.status === 'pending' || j.status === 'running'))

  async function load(next: { status?: JobStatus | null; page?: number } = {}): Promise<void> {
    if (next.status !== undefined) status.value = next.status
    if (next.page !== undefined) page.value = next.page
    await run(
      (signal) =>
        listJobs({ page: page.value, page_size: pageSize.value, ...(status.value ? { status: status.value } : {}) }, signal),
      (out) => {
        jobs.value = out.items
        total.value = out.total
      },
    )
  }

  return { jobs, total, status, page, pageSize, isLoading, error, active, load }
})
