// Entry of the PTY thread on Nodes that cannot strip TypeScript types themselves (< 22.6):
// tsx's loader, registered in this thread, then the thread itself (pty-host-thread.ts).
import { tsImport } from "tsx/esm/api";

await tsImport("./pty-host-thread.ts", import.meta.url);
