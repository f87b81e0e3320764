import { createApp } from "./app";

export { TownContainer } from "./runtime/town-container";
export { TownDO } from "./town-do";

/** The Worker: the Town API (routes in worker/routes, composition in worker/app.ts). */
export default createApp();
