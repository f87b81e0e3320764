import type { TestProject } from "vitest/node";
import { startModelControl } from "./fakes/model-control";

/** globalSetup of the workers project: scripted model servers that workerd tests can reach. */
export default async function setup(project: TestProject) {
  const control = await startModelControl();
  project.provide("modelControlUrl", control.url);
  return () => control.close();
}

declare module "vitest" {
  export interface ProvidedContext {
    modelControlUrl: string;
  }
}
