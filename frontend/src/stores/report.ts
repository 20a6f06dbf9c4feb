/** One unit-year report: module statuses, validation and sign-off. */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'

import { ApiError } from '@/api/errors'
import { getUnitYearReport, type ModuleState, type Report, setModuleStatus, signOff } from '@/api/reports'

export const useReportStore = defineStore('report', () => {
  const report = ref<Report | null>(null)
  const isLoading = ref(false)
  /** Loading failed (404: no report for that unit and year; 403: no role in the unit). */
  const error = ref<ApiError | null>(null)
  /** The last validate / reopen / sign-off failed (e.g. 409 listing modules not validated). */
  const actionError = ref<ApiError | null>(null)
  /** The module being validated or reopened, or "sign-off". */
  const pending = ref<string | null>(null)
  let controller: AbortController | null = null

  const validatedCount = computed(() => report.value?.modules.filter((m) => m.status === 'validated').length ?? 0)
  const moduleCount = computed(() => report.value?.modules.length ?? 0)
  const allValidated = computed(() => moduleCount.value > 0 && validatedCount.value === moduleCount.value)
  const isSignedOff = computed(() => report.value?.status === 'signed_off')
  /** Modules not validated yet, or with flagged entries: what still needs doing. */
  const todo = computed<ModuleState[]>(
    () => report.value?.modules.filter((m) => m.status !== 'validated' || m.flagged > 0) ?? [],
  )

  function moduleState(module: string): ModuleState | undefined {
    return report.value?.modules.find((m) => m.module === module)
  }

  async function load(unitId: number, year: number): Promise<void> {
    controller?.abort()
    const own = new AbortController()
    controller = own
    isLoading.value = true
    error.value = null
    actionError.value = null
    if (report.value && (report.value.unit_id !== unitId || report.value.year !== year)) report.value = null
    try {
      report.value = await getUnitYearReport(unitId, year, own.signal)
    } catch (e) {
      if (own.signal.aborted) return
      if (!(e instanceof ApiError)) throw e
      error.value = e
      report.value = null
    } finally {
      if (controller === own) {
        isLoading.value = false
        controller = null
      }
    }
  }

  async function act(key: string, call: (reportId: number) => Promise<Report>): Promise<boolean> {
    if (!report.value) return false
    pending.value = key
    actionError.value = null
    try {
      report.value = await call(report.value.id)
      return true
    } catch (e) {
      if (!(e instanceof ApiError)) throw e
      actionError.value = e
      return false
    } finally {
      pending.value = null
    }
  }

  const validateModule = (module: string) => act(module, (id) => setModuleStatus(id, module, 'validated'))
  const reopenModule = (module: string) => act(module, (id) => setModuleStatus(id, module, 'in_progress'))
  const signOffReport = () => act('sign-off', (id) => signOff(id))

  function clearActionError(): void {
    actionError.value = null
  }

  return {
    report,
    isLoading,
    error,
    actionError,
    pending,
    validatedCount,
    moduleCount,
    allValidated,
    isSignedOff,
    todo,
    moduleState,
    load,
    validateModule,
    reopenModule,
    signOffReport,
    clearActionError,
  }
})
