/**
 * The CUDA implementation of the detection module's
 * {@link org.cassl.detection.kernels.DetectionKernels}, found through {@link java.util.ServiceLoader}.
 */
package org.cassl.kernels.detection;
