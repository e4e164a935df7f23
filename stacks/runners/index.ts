export { RunnersStack, type RunnersStackArgs } from "./runners-stack";
/** The stack's public surface: what other stacks may use (see public.ts). */
export * from "./public";
