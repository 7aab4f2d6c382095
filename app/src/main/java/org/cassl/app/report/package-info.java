/**
 * Plots and drawn detections for reports.
 *
 * <p>Internal: not a supported API, and it may change between versions. Applications use
 * {@link org.cassl.training.api}.
 */
package org.cassl.app.report;
