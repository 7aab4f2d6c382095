/**
 * Training runs on COCO data, the pseudo-labeller and the CA-SSL pipeline.
 *
 * <p>Internal: not a supported API, and it may change between versions. Applications use
 * {@link org.cassl.training.api}.
 */
package org.cassl.training.pipeline;
