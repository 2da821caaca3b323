// Wall-clock times of day ("HH:MM", 24 h) as operators type them in webhook URLs and
// agent settings. Normalised to two-digit hours so stored settings compare as strings.

const CLOCK = /^([0-9]{1,2}):([0-9]{2})$/;

/** "9:00" -> "09:00"; undefined for anything that is not a real 24-hour time (24:00 included). */
export function parseClockTime(text: string): string | undefined {
  const match = CLOCK.exec(text.trim());
  if (!match) return undefined;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (hours > 23 || minutes > 59) return undefined;
  return formatClockTime(hours * 60 + minutes);
}

/** Minutes since local midnight of a normalised "HH:MM". */
export function clockMinutes(time: string): number {
  const [hours = '0', minutes = '0'] = time.split(':');
  return Number(hours) * 60 + Number(minutes);
}

export function formatClockTime(minutesOfDay: number): string {
  const whole = Math.floor(minutesOfDay);
  const hours = Math.floor(whole / 60) % 24;
  return `${String(hours).padStart(2, '0')}:${String(whole % 60).padStart(2, '0')}`;
}
