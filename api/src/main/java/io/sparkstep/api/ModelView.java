package io.sparkstep.api;

/**
 * One model a run committed: a saved Spark ML model directory.
 *
 * @param uri where the model was written
 * @param modelClass the class whose MLReadable loads it, as Spark ML stored it
 * @param sparkVersion the Spark version that saved it, as Spark ML stored it
 * @param sizeBytes the size of the model directory, or null where unknown
 */
public record ModelView(String uri, String modelClass, String sparkVersion, Long sizeBytes) {
}
