/** /api/uploads/jobs — import jobs for the operations console (admins see all of them). */
import { api, buildUrl } from './client'
import type { Page, QueryOf, Schemas } from './types'
import { withSignal } from './types'

export type ImportJob = Schemas['ImportJob']
export type JobStatus = ImportJob['status']
export type JobQuery = QueryOf<'/api/uploads/jobs', 'get'>

export function listJobs(query: JobQuery = {}, signal?: AbortSignal): Promise<Page<ImportJob>> {
  return api.get<Page<ImportJob>>('/uploads/jobs', { query: { ...query }, ...withSignal(signal) })
}

export function getJob(jobId: string, signal?: AbortSignal): Promise<ImportJob> {
  return api.get<ImportJob>(`/uploads/jobs/${encodeURIComponent(jobId)}`, withSignal(signal))
}

export function jobErrorReportUrl(jobId: string): string {
  return buildUrl(`/uploads/jobs/${encodeURIComponent(jobId)}/errors.csv`)
}

/** Run a failed job again (202): the answer is the job that will run, pending again. */
export function retryJob(jobId: string): Promise<ImportJob> {
  return api.post<ImportJob>(`/uploads/jobs/${encodeURIComponent(jobId)}/retry`)
}
