/** Factor sets for the administrators: the list, browsing one set, loading a file, comparing versions. */
import { defineStore } from 'pinia'
import { ref } from 'vue'

import {
  activateFactorSet,
  type Factor,
  type FactorSetInfo,
  type FactorSetLoaded,
  listFactors,
  listFactorSets,
  loadFactorSet,
} from '@/api/admin'
import { ApiError } from '@/api/errors'

export interface FactorBrowseQuery {
  year: number
  version: string | null
  q: string
  module: string | null
  page: number
  pageSize: number
}

/** One row of a factor file the server refused, with every problem of that row. */
export interface RowProblem {
  row: number
  problems: { column: string; message: string; type: string }[]
}

export interface VersionDiff {
  from: string
  to: string
  added: Factor[]
  /** Factors of `from` missing from `to`. */
  stale: Factor[]
  changed: { before: Factor; after: Factor; fields: string[] }[]
  unchanged: number
}

const COMPARED: (keyof Factor)[] = ['value', 'unit', 'uncertainty', 'source', 'source_table', 'source_year', 'non_co2', 'non_co2_multiplier', 'electricity_mix', 'base_year', 'currency', 'key']
const PAGE_MAX = 500

/** The server's 422 errors (`loc = ["row", n, column]`) grouped by row, in row order. */
export function rowProblems(error: ApiError | null): RowProblem[] {
  const byRow = new Map<number, RowProblem>()
  for (const e of error?.errors ?? []) {
    const loc = e.loc ?? []
    const row = loc[0] === 'row' ? Number(loc[1]) : Number.NaN
    const key = Number.isFinite(row) ? row : -1
    const column = loc[0] === 'row' ? String(loc[2] ?? e.field) : e.field
    const entry = byRow.get(key) ?? { row: key, problems: [] }
    entry.problems.push({ column, message: e.message, type: e.type ?? '' })
    byRow.set(key, entry)
  }
  return [...byRow.values()].sort((a, b) => a.row - b.row)
}

/** Compare two versions factor by factor (by `factor_id`). */
export function diffFactors(from: string, before: Factor[], to: string, after: Factor[]): VersionDiff {
  const old = new Map(before.map((f) => [f.factor_id, f]))
  const out: VersionDiff = { from, to, added: [], stale: [], changed: [], unchanged: 0 }
  for (const f of after) {
    const o = old.get(f.factor_id)
    if (!o) {
      out.added.push(f)
      continue
    }
    old.delete(f.factor_id)
    const fields = COMPARED.filter((k) => String(o[k] ?? '') !== String(f[k] ?? ''))
    if (fields.length) out.changed.push({ before: o, after: f, fields })
    else out.unchanged += 1
  }
  out.stale = [...old.values()]
  return out
}

export const useAdminFactorsStore = defineStore('adminFactors', () => {
  const sets = ref<FactorSetInfo[]>([])
  const setsLoading = ref(false)
  const setsError = ref<ApiError | null>(null)

  const query = ref<FactorBrowseQuery>({ year: new Date().getFullYear(), version: null, q: '', module: null, page: 1, pageSize: 25 })
  const factors = ref<Factor[]>([])
  const total = ref(0)
  const factorsLoading = ref(false)
  const factorsError = ref<ApiError | null>(null)
  let controller: AbortController | null = null

  const uploading = ref(false)
  const uploadError = ref<ApiError | null>(null)
  const uploaded = ref<FactorSetLoaded | null>(null)

  const diff = ref<VersionDiff | null>(null)
  const diffLoading = ref(false)
  const diffError = ref<ApiError | null>(null)

  const actionError = ref<ApiError | null>(null)

  async function loadSets(): Promise<void> {
    setsLoading.value = true
    setsError.value = null
    try {
      sets.value = await listFactorSets()
    } catch (e) {
      if (!(e instanceof ApiError)) throw e
      setsError.value = e
    } finally {
      setsLoading.value = false
    }
  }

  async function browse(next: Partial<FactorBrowseQuery> = {}): Promise<void> {
    query.value = { ...query.value, ...next }
    controller?.abort()
    const own = new AbortController()
    controller = own
    factorsLoading.value = true
    factorsError.value = null
    const q = query.value
    try {
      const page = await listFactors(
        q.year,
        {
          page: q.page,
          page_size: q.pageSize,
          ...(q.q.trim() ? { q: q.q.trim() } : {}),
          ...(q.module ? { module: q.module } : {}),
          ...(q.version ? { version: q.version } : {}),
        },
        own.signal,
      )
      factors.value = page.items
      total.value = page.total
    } catch (e) {
      if (own.signal.aborted) return
      if (!(e instanceof ApiError)) throw e
      factorsError.value = e
      factors.value = []
      total.value = 0
    } finally {
      if (controller === own) {
        factorsLoading.value = false
        controller = null
      }
    }
  }

  async function allFactors(year: number, version: string): Promise<Factor[]> {
    const out: Factor[] = []
    for (let page = 1; ; page += 1) {
      const p = await listFactors(year, { version, page, page_size: PAGE_MAX })
      out.push(...p.items)
      if (out.length >= p.total || p.items.length === 0) return out
    }
  }

  async function compare(year: number, from: string, to: string): Promise<void> {
    diffLoading.value = true
    diffError.value = null
    diff.value = null
    try {
      const [a, b] = await Promise.all([allFactors(year, from), allFactors(year, to)])
      diff.value = diffFactors(from, a, to, b)
    } catch (e) {
      if (!(e instanceof ApiError)) throw e
      diffError.value = e
    } finally {
      diffLoading.value = false
    }
  }

  async function upload(
    year: number,
    file: File,
    options: { version: string; activate: boolean; gwpSet: 'AR4' | 'AR5' | 'AR6' },
    csrfToken: string | null,
  ): Promise<FactorSetLoaded | null> {
    uploading.value = true
    uploadError.value = null
    uploaded.value = null
    try {
      const out = await loadFactorSet(
        year,
        file,
        { version: options.version, activate: options.activate, gwp_set: options.gwpSet },
        csrfToken,
      )
      uploaded.value = out
      await loadSets()
      return out
    } catch (e) {
      if (!(e instanceof ApiError)) throw e
      uploadError.value = e
      return null
    } finally {
      uploading.value = false
    }
  }

  async function activate(year: number, version: string): Promise<void> {
    actionError.value = null
    try {
      await activateFactorSet(year, version)
      await loadSets()
    } catch (e) {
      if (!(e instanceof ApiError)) throw e
      actionError.value = e
    }
  }

  return {
    sets,
    setsLoading,
    setsError,
    query,
    factors,
    total,
    factorsLoading,
    factorsError,
    uploading,
    uploadError,
    uploaded,
    diff,
    diffLoading,
    diffError,
    actionError,
    loadSets,
    browse,
    compare,
    upload,
    activate,
  }
})
