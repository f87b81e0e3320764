import { createApp } from "./app";

export { TownDO } from "./town-do";

/** The Worker: the Town API (routes in worker/routes, composition in worker/app.ts). */
export default createApp();
