/**
 * Segmentation heads on FCOS: CondInst ({@link org.cassl.detection.mask.CondInstHead} with
 * {@link org.cassl.detection.mask.CondInstMaskBranch}, {@link org.cassl.detection.mask.DynamicMaskHead},
 * {@link org.cassl.detection.mask.DiceLoss}, {@link org.cassl.detection.mask.AlignedBilinear}) and a
 * Mask R-CNN style RoI head ({@link org.cassl.detection.mask.RoiHeads} with
 * {@link org.cassl.detection.mask.MultiScaleRoiAlign}, {@link org.cassl.detection.mask.RoiMaskHead},
 * {@link org.cassl.detection.mask.MaskRcnnPredictor}, {@link org.cassl.detection.mask.MaskRcnnLoss},
 * {@link org.cassl.detection.mask.MaskPaster}). See the {@code org.cassl.detection} package page.
 */
package org.cassl.detection.mask;
