/**
 * Detection training data (COCO samples, augmentation) and evaluation during training.
 *
 * <p>Internal: not a supported API, and it may change between versions. Applications use
 * {@link org.cassl.training.api}.
 */
package org.cassl.training.detection;
