/** Differentiable detection ops ({@code torchvision.ops}) on top of {@link org.cassl.detection.kernels.DetectionKernels}. */
package org.cassl.detection.ops;
