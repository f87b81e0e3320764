import { drizzle, type DrizzleSqliteDODatabase } from "drizzle-orm/durable-sqlite";
import { migrate } from "drizzle-orm/durable-sqlite/migrator";
import migrations from "./migrations/migrations.js";
import * as schema from "./schema";

export type TownDb = DrizzleSqliteDODatabase<typeof schema>;

/** Opens the town's drizzle handle over DO storage and applies pending migrations. */
export async function openTownDb(storage: DurableObjectStorage): Promise<TownDb> {
  const db = drizzle(storage, { schema });
  await migrate(db, migrations);
  return db;
}
