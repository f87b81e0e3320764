import { PassThrough } from "node:stream";
import { silentLogger } from "../../core/logger";
import { chatAdapterContract } from "../chat-adapter-contract";
import { createConsoleAdapter } from "./console-adapter";

chatAdapterContract("console", async () => {
  const adapter = createConsoleAdapter({ input: new PassThrough(), output: new PassThrough(), logger: silentLogger, channel: "app" });
  const msgs = () => adapter.transcript();
  return {
    adapter,
    channelId: "app",
    read: async (ref) => msgs().find((m) => m.ref.messageId === ref.messageId) ?? null,
    list: async (t) => msgs().filter((m) => m.ref.channelId === t.channelId && m.ref.threadId === t.threadId).map((m) => ({ messageId: m.ref.messageId, text: m.text })),
    close: async () => adapter.stop(),
  };
});
