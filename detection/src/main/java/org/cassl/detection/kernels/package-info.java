/**
 * The detection models' fused kernels behind one interface, {@link org.cassl.detection.kernels.DetectionKernels}:
 * the CPU reference here, other devices through
 * {@link org.cassl.detection.kernels.DetectionKernelsProvider}s on the class path.
 */
package org.cassl.detection.kernels;
