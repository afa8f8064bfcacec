/**
 * Names the processing components and the policy pack share (the pack imports only lib/).
 */

/** Label of every namespace where processing jobs run; its value is the engine. */
export const PROCESSING_LABEL = "entasis.io/processing";

/** Annotation by which a stateless FlinkDeployment opts out of the savepoint upgrade mode. */
export const STATELESS_OPT_OUT = "entasis.io/stateless-upgrade";
