import { describe, expect, it } from "vitest";
import { bindChannel, rigForChannel } from "./chat";
import { addRig, derivePrefix, getRig, listRigs, removeRig, updateRig } from "./rigs";
import { sling } from "./sling";
import { closeBead } from "./beads";
import { ALICE, allEvents, catchGastown, counts, withTown } from "./test-helpers";

describe("rigs", () => {
  it("derives short bead prefixes from names", () => {
    expect(derivePrefix("my-web-app")).toBe("mwa");
    expect(derivePrefix("backend")).toBe("bac");
    expect(derivePrefix("42things")).toBe("thi");
    expect(derivePrefix("0")).toBe("r");
  });

  it("adds rigs with unique names and prefixes and config defaults", async () => {
    await withTown((db) => {
      const a = addRig(db, { name: "backend", gitUrl: "git@github.com:acme/backend.git", actor: ALICE }, 1);
      expect(a).toMatchObject({ name: "backend", beadPrefix: "bac", defaultBranch: "main", config: { maxPolecats: 3, agent: "claude", mergePolicy: "auto", qualityGates: [] } });
      const b = addRig(db, { name: "backoffice", gitUrl: "https://git.example/bo.git", config: { maxPolecats: 5 }, actor: ALICE }, 2);
      expect(b.beadPrefix).toBe("bac2");
      expect(b.config.maxPolecats).toBe(5);
      expect(allEvents(db).map((e) => [e.type, e.rigId])).toEqual([
        ["rig_added", a.id],
        ["rig_added", b.id],
      ]);
      const before = counts(db);
      expect(catchGastown(() => addRig(db, { name: "backend", gitUrl: "https://x/y.git", actor: ALICE }, 3)).code).toBe("conflict");
      expect(catchGastown(() => addRig(db, { name: "other", gitUrl: "https://x/y.git", beadPrefix: "bac", actor: ALICE }, 3)).code).toBe("conflict");
      expect(catchGastown(() => addRig(db, { name: "hqrig", gitUrl: "https://x/y.git", beadPrefix: "hq", actor: ALICE }, 3)).code).toBe("conflict");
      expect(catchGastown(() => addRig(db, { name: "Bad Name", gitUrl: "https://x/y.git", actor: ALICE }, 3)).code).toBe("bad_request");
      expect(catchGastown(() => addRig(db, { name: "leak", gitUrl: "https://me:secret@x/y.git", actor: ALICE }, 3)).code).toBe("bad_request");
      expect(counts(db)).toEqual(before);
      expect(listRigs(db).map((r) => r.name)).toEqual(["backend", "backoffice"]);
      expect(getRig(db, a.id).name).toBe("backend");
      expect(catchGastown(() => getRig(db, "nope")).code).toBe("not_found");
    });
  });

  it("updates config by merging and removes a rig only when no work is hooked", async () => {
    await withTown((db) => {
      addRig(db, { name: "api", gitUrl: "https://git.example/api.git", config: { maxPolecats: 2, mergePolicy: "approve" }, actor: ALICE }, 1);
      const updated = updateRig(db, "api", { config: { agent: "opencode" }, defaultBranch: "trunk", actor: ALICE }, 2);
      expect(updated).toMatchObject({ defaultBranch: "trunk", config: { maxPolecats: 2, mergePolicy: "approve", agent: "opencode" } });
      expect(catchGastown(() => updateRig(db, "api", { config: { maxPolecats: -1 }, actor: ALICE }, 3)).code).toBe("bad_request");
      bindChannel(db, { platform: "slack", channelId: "C1", rig: "api" }, 3);
      const slung = sling(db, { rig: "api", title: "work", actor: ALICE }, 4);
      expect(catchGastown(() => removeRig(db, "api", ALICE, 5)).code).toBe("conflict");
      closeBead(db, slung.bead.id, { actor: ALICE }, 6);
      removeRig(db, "api", ALICE, 7);
      expect(listRigs(db)).toEqual([]);
      expect(rigForChannel(db, "slack", "C1")).toBeUndefined();
      expect(allEvents(db).at(-1)).toMatchObject({ type: "rig_removed", data: { name: "api" } });
    });
  });
});
