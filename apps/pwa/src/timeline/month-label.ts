// Formatters are built once: constructing Intl formatters is the slow part of formatting.
const monthFormat = new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' });
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', month: 'short', day: 'numeric' });
const dayYearFormat = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  month: 'short',
  day: 'numeric',
  year: 'numeric',
});

/** "July 2024" for `2024-07` (month keys are the camera-local months of capture time). */
export function monthLabel(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return monthFormat.format(Date.UTC(y ?? 1970, (m ?? 1) - 1, 15));
}

/** "Wed, Jul 10" (with the year when it is not this year) for `2024-07-10`. */
export function dayLabel(day: string, now = new Date()): string {
  const [y, m, d] = day.split('-').map(Number);
  const date = new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1);
  return (date.getFullYear() !== now.getFullYear() ? dayYearFormat : dayFormat).format(date);
}
