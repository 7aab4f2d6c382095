/**
 * Object detection on the cassl engine: boxes, IoU/GIoU and NMS ({@code box}), the FCOS detector
 * ({@code fcos}), the image transform ({@code transform}), the COCO data model and evaluation
 * ({@code coco}) and the segmentation heads ({@code mask}). Compatibility target: torchvision 0.14.
 *
 * <h2>Mask heads</h2>
 * The model config's {@code mask_head} ({@link org.cassl.detection.FcosConfig.MaskHead}) adds one of
 * two segmentation heads to {@link org.cassl.detection.fcos.Fcos}. With either, {@code Fcos.losses}
 * returns a fourth loss {@code loss_mask} and needs instance masks {@code [G, H, W]} (U8, the
 * image's size) in every {@link org.cassl.detection.Target}; {@code Fcos.detect} fills
 * {@link org.cassl.detection.Detections#masks()} with F32 probabilities {@code [D, H, W]} at the
 * original image size (threshold at 0.5 for binary masks; {@code [0, H, W]} without detections).
 * <ul>
 *   <li>{@code condinst} ({@link org.cassl.detection.mask.CondInstHead}, AdelaiDet's CondInst):
 *       a mask branch on P3-P5 ({@code mask_branch.*}), a controller conv on the box tower
 *       predicting 169 dynamic-conv parameters per point ({@code controller.*}), a dynamic mask
 *       head of three per-instance 1x1 convs over relative coordinates and mask features; dice
 *       loss on the FCOS positives (at most 500), masks at stride 4 upsampled with
 *       {@code aligned_bilinear}.</li>
 *   <li>{@code roi} ({@link org.cassl.detection.mask.RoiHeads}, torchvision's Mask R-CNN mask
 *       head): {@code MultiScaleRoIAlign} on P3-P5 (14x14), {@code roi_heads.mask_head.*} (4 x
 *       conv3x3 256 + ReLU) and {@code roi_heads.mask_predictor.*} (transposed conv + 1x1 conv to
 *       28x28 per class). Training RoIs are the ground-truth boxes plus the FCOS detections that
 *       overlap a same-label ground truth with IoU >= 0.5 (64 per image at most); loss is
 *       torchvision's {@code maskrcnn_loss}; inference pastes the label channel's probabilities
 *       with {@code paste_masks_in_image}.</li>
 * </ul>
 * The mask heads' parameters are part of the state dict, so {@code saveWeights}/{@code loadWeights}
 * carry them; {@code mask_head = none} leaves the FCOS model and its keys exactly torchvision's.
 */
package org.cassl.detection;
