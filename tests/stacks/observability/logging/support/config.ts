/** A committed stack file, parsed and validated exactly as the program does it. */
export { stackConfig } from "../../../../helpers/stack-config";
