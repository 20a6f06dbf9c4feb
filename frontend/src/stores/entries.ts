/** The entries of one submodule of a unit-year: a server-paginated page, and add / edit / delete. */
import { defineStore } from 'pinia'
import { ref } from 'vue'

import {
  bulkDeleteEntries,
  createEntry,
  deleteEntry,
  type EntryCreate,
  type EntryExplanation,
  type EntryItem,
  type EntryRef,
  type EntryTotals,
  explainEntry,
  listEntries,
  updateEntry,
} from '@/api/entries'
import { ApiError } from '@/api/errors'
import { searchAirports, searchStations } from '@/api/factors'
import {
  contentTypeOf,
  createUpload,
  getJob,
  type ImportJob,
  isFinished,
  sendFile,
  type UploadRequest,
} from '@/api/uploads'

export interface EntriesQuery {
  page: number
  pageSize: number
  /** Field name, `-` prefix for descending; '' for the server's order. */
  sort: string
  q: string
  flagged: boolean | null
  filters: Record<string, string>
}

export const ENTRIES_PAGE_SIZE = 25

const initialQuery = (): EntriesQuery => ({
  page: 1,
  pageSize: ENTRIES_PAGE_SIZE,
  sort: '',
  q: '',
  flagged: null,
  filters: {},
})

/** The outcome of a save: ok, or the server's field errors (422) / other problem. */
export type SaveResult = { ok: true; entry: EntryItem } | { ok: false; error: ApiError }

export const useEntriesStore = defineStore('entries', () => {
  const ref_ = ref<EntryRef | null>(null)
  const items = ref<EntryItem[]>([])
  const total = ref(0)
  const totals = ref<EntryTotals | null>(null)
  const query = ref<EntriesQuery>(initialQuery())
  const isLoading = ref(false)
  const error = ref<ApiError | null>(null)
  /** Ids being saved or deleted. */
  const busy = ref<Set<number>>(new Set())
  let controller: AbortController | null = null

  /** Switch to another submodule (resets the query) or just refetch with a changed query. */
  async function fetchPage(target: EntryRef, next: Partial<EntriesQuery> = {}): Promise<void> {
    const same =
      ref_.value !== null &&
      ref_.value.module === target.module &&
      ref_.value.unitId === target.unitId &&
      ref_.value.year === target.year &&
      ref_.value.submodule === target.submodule
    if (!same) {
      query.value = initialQuery()
      items.value = []
      total.value = 0
      totals.value = null
    }
    ref_.value = { ...target }
    query.value = { ...query.value, ...next }
    controller?.abort()
    const own = new AbortController()
    controller = own
    isLoading.value = true
    error.value = null
    const q = query.value
    try {
      const page = await listEntries(
        target,
        {
          page: q.page,
          page_size: q.pageSize,
          ...(q.sort ? { sort: q.sort } : {}),
          ...(q.q.trim() ? { q: q.q.trim() } : {}),
          ...(q.flagged !== null ? { flagged: q.flagged } : {}),
          filters: q.filters,
        },
        own.signal,
      )
      items.value = page.items
      total.value = page.total
      totals.value = page.totals
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

  async function refetch(): Promise<void> {
    if (ref_.value) await fetchPage(ref_.value)
  }

  async function save(call: () => Promise<EntryItem>, id: number | null): Promise<SaveResult> {
    if (id !== null) busy.value = new Set(busy.value).add(id)
    try {
      const entry = await call()
      await refetch()
      return { ok: true, entry }
    } catch (e) {
      if (!(e instanceof ApiError)) throw e
      return { ok: false, error: e }
    } finally {
      if (id !== null) {
        const next = new Set(busy.value)
        next.delete(id)
        busy.value = next
      }
    }
  }

  function add(body: EntryCreate): Promise<SaveResult> {
    const target = ref_.value
    if (!target) throw new Error('entries store: no submodule selected')
    return save(() => createEntry(target, body), null)
  }

  /** Save an edited entry with the version it was read at (409 when someone changed it meanwhile). */
  function update(entry: EntryItem, data: Record<string, unknown>, note: string | null): Promise<SaveResult> {
    const target = ref_.value
    if (!target) throw new Error('entries store: no submodule selected')
    return save(() => updateEntry(target, entry.id, { data, note, version: entry.version }), entry.id)
  }

  async function remove(entry: EntryItem): Promise<ApiError | null> {
    const target = ref_.value
    if (!target) throw new Error('entries store: no submodule selected')
    const result = await save(async () => {
      await deleteEntry(target, entry.id)
      return entry
    }, entry.id)
    return result.ok ? null : result.error
  }

  /** Delete several entries: all or none (the server refuses the whole set when one may not go). */
  async function removeMany(entries: EntryItem[]): Promise<ApiError | null> {
    const target = ref_.value
    if (!target) throw new Error('entries store: no submodule selected')
    const ids = entries.map((e) => e.id)
    busy.value = new Set([...busy.value, ...ids])
    try {
      await bulkDeleteEntries(target, ids)
      await refetch()
      return null
    } catch (e) {
      if (!(e instanceof ApiError)) throw e
      return e
    } finally {
      const next = new Set(busy.value)
      for (const id of ids) next.delete(id)
      busy.value = next
    }
  }

  return { target: ref_, items, total, totals, query, isLoading, error, busy, fetchPage, refetch, add, update, remove, removeMany }
})

/** One suggestion of an autocomplete: the value stored in the entry, a label, and related fields to fill. */
export interface Suggestion {
  value: string
  label: string
  /** Other fields of the form the choice fills (e.g. the station's country). */
  fills?: Record<string, string>
}

export type SuggestKind = 'airport' | 'station' | 'person'

/**
 * Server-side autocomplete: airports and stations from the reference data,
 * people from the unit-year's headcount (members whose name or id matches).
 */
export async function suggest(kind: SuggestKind, q: string, context: { unitId: number; year: number }, signal?: AbortSignal): Promise<Suggestion[]> {
  const text = q.trim()
  if (kind === 'airport') {
    if (!text) return []
    return (await searchAirports(text, 10, signal)).map((a) => ({
      value: a.iata,
      label: `${a.iata} — ${a.name}, ${a.city} (${a.country})`,
    }))
  }
  if (kind === 'station') {
    if (!text) return []
    return (await searchStations(text, 10, signal)).map((s) => ({
      value: s.name,
      label: `${s.name} (${s.country})`,
      fills: { country: s.country },
    }))
  }
  const page = await listEntries(
    { module: 'headcount', unitId: context.unitId, year: context.year, submodule: 'members' },
    { page: 1, page_size: 20, sort: 'name', ...(text ? { q: text } : {}) },
    signal,
  )
  return page.items
    .filter((e) => typeof e.data.person_id === 'string' || typeof e.data.person_id === 'number')
    .map((e) => ({ value: String(e.data.person_id), label: `${String(e.data.name ?? '')} (${String(e.data.person_id)})` }))
}

/** The server's calculation trace of one entry. */
export function explain(target: EntryRef, entryId: number, signal?: AbortSignal): Promise<EntryExplanation> {
  return explainEntry(target, entryId, signal)
}

export const UPLOAD_POLL_MS = 500

export type UploadStep = 'idle' | 'requesting' | 'sending' | 'processing' | 'done'

/**
 * One import at a time for the module page: grant, presigned POST, then the
 * job polled until it finished (phase, counts and rows/s come from the server).
 */
export const useUploadStore = defineStore('upload', () => {
  const step = ref<UploadStep>('idle')
  const job = ref<ImportJob | null>(null)
  const error = ref<ApiError | null>(null)
  let timer: ReturnType<typeof setTimeout> | null = null
  let run = 0

  function stop(): void {
    run += 1
    if (timer) clearTimeout(timer)
    timer = null
  }

  function reset(): void {
    stop()
    step.value = 'idle'
    job.value = null
    error.value = null
  }

  /** Resolves when the job finished (or the upload failed, or `stop()` was called). */
  async function upload(
    target: EntryRef,
    file: File,
    options: Pick<UploadRequest, 'mode' | 'valid_rows_only'> = {},
    pollMs = UPLOAD_POLL_MS,
  ): Promise<ImportJob | null> {
    reset()
    const mine = run
    error.value = null
    try {
      step.value = 'requesting'
      const grant = await createUpload({
        year: target.year,
        unit_id: target.unitId,
        module: target.module,
        submodule: target.submodule,
        filename: file.name,
        content_type: contentTypeOf(file.name) || file.type || 'application/octet-stream',
        ...options,
      })
      if (mine !== run) return null
      job.value = grant.job
      step.value = 'sending'
      await sendFile(grant, file, file.name)
      if (mine !== run) return null
      step.value = 'processing'
      return await poll(grant.job.id, mine, pollMs)
    } catch (e) {
      if (!(e instanceof ApiError)) throw e
      if (mine === run) {
        error.value = e
        step.value = 'done'
      }
      return null
    }
  }

  function poll(jobId: string, mine: number, pollMs: number): Promise<ImportJob | null> {
    return new Promise((resolve, reject) => {
      const tick = async () => {
        if (mine !== run) return resolve(null)
        try {
          const next = await getJob(jobId)
          if (mine !== run) return resolve(null)
          job.value = next
          if (isFinished(next)) {
            step.value = 'done'
            return resolve(next)
          }
          timer = setTimeout(() => void tick(), pollMs)
        } catch (e) {
          reject(e)
        }
      }
      void tick()
    })
  }

  return { step, job, error, upload, stop, reset }
})
