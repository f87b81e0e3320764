/**
 * When something happens, as people in a channel read it: `08:00 Europe/Berlin` today or
 * within the next day, `Mon 23 Nov 08:00 Europe/Berlin` further out. A bad or missing time
 * zone falls back to UTC rather than failing a chat message.
 */
export function formatAt(at: number, timeZone = "UTC", now = Date.now()): string {
  const zone = validZone(timeZone) ? timeZone : "UTC";
  const time = new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(at);
  if (Math.abs(at - now) < 20 * 3_600_000) return `${time} ${zone}`;
  const day = new Intl.DateTimeFormat("en-GB", { timeZone: zone, weekday: "short", day: "numeric", month: "short" }).format(at);
  return `${day.replace(",", "")} ${time} ${zone}`;
}

function validZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** A town target (`slack:user:U1`, `discord:role:7`, `channel`) as a short label. */
export function targetLabel(t: string): string {
  const m = /^(slack|discord|console):(user|group|role|channel):(.+)$/.exec(t);
  return m ? `${m[2]} ${m[3]}` : t;
}
