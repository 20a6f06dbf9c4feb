/** The import jobs console: running and failed jobs with their progress, and retry. */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'

import { ApiError } from '@/api/errors'
import { type ImportJob, type JobStatus, listJobs, retryJob } from '@/api/jobs'
import { latestRequest } from '@/composables/latestRequest'

/**
 * What the server retries (POST /api/uploads/jobs/<id>/retry): a failed job, or an
 * import a crashed run released ("retrying") whose redeliveries may have run out.
 */
export function isRetryable(job: Pick<ImportJob, 'status' | 'phase'>): boolean {
  return job.status === 'failed' || (job.status === 'pending' && job.phase === 'retrying')
}

export const useAdminJobsStore = defineStore('adminJobs', () => {
  const jobs = ref<ImportJob[]>([])
  const total = ref(0)
  const status = ref<JobStatus | null>(null)
  const page = ref(1)
  const pageSize = ref(25)
  const { isLoading, error, run } = latestRequest()
  /** The job whose retry is on its way (one at a time). */
  const retrying = ref<string | null>(null)
  const retryError = ref<ApiError | null>(null)

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

  /**
   * Retry one job. Its row shows the answer (pending again) at once, so `active`
   * turns on and the page polls its progress; the list is then reloaded (which also
   * drops the answer of a list request that started before the retry).
   * A refusal (409 not failed any more, 410 file gone, …) lands in `retryError`.
   */
  async function retry(jobId: string): Promise<boolean> {
    if (retrying.value !== null) return false
    retrying.value = jobId
    retryError.value = null
    try {
      const job = await retryJob(jobId)
      jobs.value = jobs.value.map((j) => (j.id === jobId && job.id === jobId ? job : j))
      void load()
      return true
    } catch (e) {
      if (!(e instanceof ApiError)) throw e
      retryError.value = e
      if (e.status === 409 || e.status === 410) void load() // show the job as it is now
      return false
    } finally {
      retrying.value = null
    }
  }

  function dismissRetryError(): void {
    retryError.value = null
  }

  return { jobs, total, status, page, pageSize, isLoading, error, active, load, retrying, retryError, retry, dismissRetryError }
})
