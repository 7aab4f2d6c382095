/**
 * {@code cassl demo}: the end-to-end baseline versus CA-SSL experiment and its report.
 *
 * <p>Internal: not a supported API, and it may change between versions. Applications use
 * {@link org.cassl.training.api}.
 */
package org.cassl.app.demo;
