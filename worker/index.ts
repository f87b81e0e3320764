import { Hono } from "hono";
import type { Env } from "./env";

export { TownDO } from "./town-do";

const app = new Hono<{ Bindings: Env }>();
app.get("/health", (c) => c.json({ ok: true, service: "gastown-worker" }));

export default app;
