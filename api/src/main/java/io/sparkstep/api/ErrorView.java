package io.sparkstep.api;

/**
 * Why a run failed, secrets scrubbed.
 *
 * @param type the exception's class name, or a platform's kind of failure (e.g. ProcessExited)
 * @param message one line saying why
 * @param rootCause the innermost cause as {@code class: message}, or null when the error has no cause
 * @param stackTrace where it happened (cut at 8000 characters), or null where the platform did not report it
 */
public record ErrorView(String type, String message, String rootCause, String stackTrace) {
}
