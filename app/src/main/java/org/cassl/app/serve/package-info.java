/**
 * {@code cassl serve}: detection over HTTP on an embedded Jetty 12 server. One shared, thread-safe
 * {@link org.cassl.training.api.Detector} answers {@code POST /v1/detect}; a bounded work queue
 * answers 503 instead of piling up; {@code /health}, Prometheus {@code /metrics} and a page at
 * {@code /}.
 */
package org.cassl.app.serve;
