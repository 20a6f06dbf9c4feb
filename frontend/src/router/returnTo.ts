/**
 * The in-app path to come back to after signing in. Only same-site absolute
 * paths are accepted ("/fr/units?q=x"), never "//evil.example" or "https://…".
 */
export function safeReturnTo(value: unknown, fallback: string): string {
  if (typeof value !== 'string') return fallback
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback
  if (value.startsWith('/api/')) return fallback
  return value
}
