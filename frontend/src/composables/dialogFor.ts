import { computed, type Ref, ref, type WritableComputedRef } from 'vue'

/**
 * A dialog that is about one thing (the entry to delete, the job to retry…): `target`
 * holds it, `open` is the dialog's v-model (closing it forgets the target), `take()`
 * returns the target and closes the dialog.
 */
export function useDialogFor<T>(): {
  target: Ref<T | null>
  open: WritableComputedRef<boolean>
  take: () => T | null
} {
  const target = ref(null) as Ref<T | null>
  const open = computed({
    get: () => target.value !== null,
    set: (value: boolean) => {
      if (!value) target.value = null
    },
  })
  function take(): T | null {
    const value = target.value
    target.value = null
    return value
  }
  return { target, open, take }
}
