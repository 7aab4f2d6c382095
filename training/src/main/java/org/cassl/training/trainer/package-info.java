/**
 * The training loop: checkpoints, exact resume, listeners, cancellation.
 *
 * <p>Internal: not a supported API, and it may change between versions. Applications use
 * {@link org.cassl.training.api}.
 */
package org.cassl.training.trainer;
