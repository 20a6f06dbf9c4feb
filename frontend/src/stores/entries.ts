/** The entries of one submodule of a unit-year: a server-paginated page, and add / edit / delete. */
import { defineStore } from 'pinia'
import { ref } from 'vue'

import {
  createEntry,
  deleteEntry,
  type EntryCreate,
  type EntryItem,
  type EntryRef,
  type EntryTotals,
  listEntries,
  updateEntry,
} from '@/api/entries'
import { ApiError } from '@/api/errors'

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

  return { target: ref_, items, total, totals, query, isLoading, error, busy, fetchPage, refetch, add, update, remove }
})
