import type { z } from "zod";
import type { CreateMoleculeRequest, SendMailRequest } from "../../core/town-api";
import { sendMail } from "../../db/mail";
import { createMolecule } from "../../db/molecules";
import type { TownContext } from "./context";

/** Mail from people and molecules (`/towns/:town/mail`, `/towns/:town/molecules`). */
export const mailOps = {
  sendMail: (t: TownContext, input: z.input<typeof SendMailRequest>) => sendMail(t.db, input, t.now()),
  createMolecule: (t: TownContext, input: z.input<typeof CreateMoleculeRequest>) => createMolecule(t.db, input, t.now()),
};
