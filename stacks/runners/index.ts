export { RunnersStack, type RunnersStackArgs } from "./runners-stack";
