/** One server-sent event: the `event:` name (if any) and its joined `data:` lines. */
export interface SseEvent {
  event: string | null;
  data: string;
}

/** Parses a text/event-stream body into events as they arrive. */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buf = "";
  let event: string | null = null;
  let data: string[] = [];
  const flush = (): SseEvent | null => {
    if (data.length === 0 && event === null) return null;
    const out = { event, data: data.join("\n") };
    event = null;
    data = [];
    return out;
  };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += decoder.decode(value, { stream: true });
    let nl = buf.search(/\r?\n/);
    while (nl >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(buf[nl] === "\r" ? nl + 2 : nl + 1);
      if (line === "") {
        const ev = flush();
        if (ev) yield ev;
      } else if (!line.startsWith(":")) {
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const val = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") event = val;
        else if (field === "data") data.push(val);
      }
      nl = buf.search(/\r?\n/);
    }
  }
  const last = flush();
  if (last) yield last;
}
