import { describe, expect, it } from 'vitest'

import { useDialogFor } from './dialogFor'

describe('useDialogFor', () => {
  it('is open while it has a target; closing forgets the target; take() returns and closes', () => {
    const { target, open, take } = useDialogFor<{ id: number }>()
    expect(open.value).toBe(false)
    target.value = { id: 7 }
    expect(open.value).toBe(true)
    open.value = false
    expect(target.value).toBeNull()
    target.value = { id: 8 }
    expect(take()).toEqual({ id: 8 })
    expect(open.value).toBe(false)
    expect(take()).toBeNull()
  })
})
