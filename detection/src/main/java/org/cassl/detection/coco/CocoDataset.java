package org.cassl.detection.coco;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A validated COCO annotation set with its indexes: images by id (file order), annotations grouped
 * by image id (file order within an image), categories sorted by id, and the label mappings
 * training needs.
 *
 * <p>Two label conventions are offered: torchvision's (label = category id, index 0 unused; see
 * {@link #numClassesTorchvision()}) and a contiguous one (label = rank of the id among sorted
 * category ids, 0..K-1; see {@link #contiguousLabel}).
 *
 * <p>Instances are immutable.
 */
public final class CocoDataset {
    private final String source;
    private final List<CocoImage> images;
    private final List<CocoCategory> categories;
    private final List<CocoAnnotation> annotations;
    private final Map<String, Object> topLevel;
    private final Map<Long, CocoImage> imagesById;
    private final Map<Long, CocoCategory> categoriesById;
    private final List<CocoCategory> categoriesSorted;
    private final Map<Long, Integer> contiguous;
    private final Map<Long, List<CocoAnnotation>> byImage;

    private CocoDataset(String source, List<CocoImage> images, List<CocoCategory> categories,
            List<CocoAnnotation> annotations, Map<String, Object> topLevel) {
        this.source = source;
        this.images = List.copyOf(images);
        this.categories = List.copyOf(categories);
        this.annotations = Collections.unmodifiableList(new ArrayList<>(annotations));
        this.topLevel = JsonValues.freeze(topLevel);
        imagesById = new LinkedHashMap<>();
        for (CocoImage im : images) {
            if (imagesById.put(im.id(), im) != null) {
                throw new CocoFormatException(source + ": duplicate image id " + im.id());
            }
        }
        categoriesById = new HashMap<>();
        for (CocoCategory c : categories) {
            if (categoriesById.put(c.id(), c) != null) {
                throw new CocoFormatException(source + ": duplicate category id " + c.id());
            }
        }
        List<CocoCategory> sorted = new ArrayList<>(categories);
        sorted.sort(Comparator.comparingLong(CocoCategory::id));
        categoriesSorted = List.copyOf(sorted);
        contiguous = new HashMap<>();
        for (int i = 0; i < sorted.size(); i++) {
            contiguous.put(sorted.get(i).id(), i);
        }
        byImage = new HashMap<>();
        // A sorted primitive array finds duplicate ids without a boxed set of 860k entries.
        long[] annIds = new long[annotations.size()];
        int n = 0;
        for (CocoAnnotation a : annotations) {
            validate(a);
            annIds[n++] = a.id();
            byImage.computeIfAbsent(a.imageId(), k -> new ArrayList<>(4)).add(a);
        }
        Arrays.sort(annIds);
        for (int i = 1; i < annIds.length; i++) {
            if (annIds[i] == annIds[i - 1]) {
                throw new CocoFormatException(source + ": duplicate annotation id " + annIds[i]);
            }
        }
        byImage.replaceAll((k, v) -> Collections.unmodifiableList(v));
    }

    private void validate(CocoAnnotation a) {
        String entry = source + ": annotation id " + a.id() + ": ";
        CocoImage im = imagesById.get(a.imageId());
        if (im == null) {
            throw new CocoFormatException(entry + "image_id " + a.imageId() + " is not in 'images'");
        }
        if (!categoriesById.containsKey(a.categoryId())) {
            throw new CocoFormatException(entry + "category_id " + a.categoryId() + " is not in 'categories'");
        }
        if (a.bbox() == null) {
            throw new CocoFormatException(entry + "missing required field 'bbox'");
        }
        int h = -1;
        int w = -1;
        if (a.segmentation() instanceof Segmentation.UncompressedRle r) {
            h = r.height();
            w = r.width();
        } else if (a.segmentation() instanceof Segmentation.CompressedRle r) {
            h = r.height();
            w = r.width();
        }
        if (h >= 0 && (h != im.height() || w != im.width())) {
            throw new CocoFormatException(entry + "RLE size [" + h + ", " + w + "] does not match image " + im.id()
                    + " (height " + im.height() + ", width " + im.width() + ")");
        }
    }

    /**
     * A validated dataset: ids unique per kind, every annotation's image and category defined,
     * every annotation has a bbox, RLE sizes equal their image's size.
     *
     * @throws CocoFormatException naming {@code source} and the offending id
     */
    public static CocoDataset of(String source, List<CocoImage> images, List<CocoCategory> categories,
            List<CocoAnnotation> annotations, Map<String, Object> topLevel) {
        return new CocoDataset(source, images, categories, annotations, topLevel);
    }

    /**
     * A copy with other annotations (e.g. pseudo-labels for the same images), validated again;
     * images, categories and top-level fields are kept.
     */
    public CocoDataset withAnnotations(List<CocoAnnotation> newAnnotations) {
        return new CocoDataset(source, images, categories, newAnnotations, topLevel);
    }

    /** A builder that collects the entries {@link CocoReader#stream} hands it. */
    public static Builder builder(String source) {
        return new Builder(source);
    }

    /** Collects entries in file order; {@link #build()} validates them. */
    public static final class Builder implements CocoHandler {
        private final String source;
        private final List<CocoImage> images = new ArrayList<>();
        private final List<CocoCategory> categories = new ArrayList<>();
        private final List<CocoAnnotation> annotations = new ArrayList<>();
        private final Map<String, Object> topLevel = new LinkedHashMap<>();

        private Builder(String source) {
            this.source = source;
        }

        @Override
        public void onImage(CocoImage image) {
            images.add(image);
        }

        @Override
        public void onCategory(CocoCategory category) {
            categories.add(category);
        }

        @Override
        public void onAnnotation(CocoAnnotation annotation) {
            annotations.add(annotation);
        }

        @Override
        public void onTopLevelField(String name, Object value) {
            topLevel.put(name, value);
        }

        /** The validated dataset (see {@link CocoDataset#of}). */
        public CocoDataset build() {
            return new CocoDataset(source, images, categories, annotations, topLevel);
        }
    }

    /** The file (or other source) this set was read from, used in error messages. */
    public String source() {
        return source;
    }

    /** Images in file order. */
    public List<CocoImage> images() {
        return images;
    }

    /** Categories in file order. */
    public List<CocoCategory> categories() {
        return categories;
    }

    /** Categories sorted by id. */
    public List<CocoCategory> categoriesSortedById() {
        return categoriesSorted;
    }

    /** All annotations in file order. */
    public List<CocoAnnotation> annotations() {
        return annotations;
    }

    /** Other top-level fields ({@code info}, {@code licenses}, ...) in file order. */
    public Map<String, Object> topLevelFields() {
        return topLevel;
    }

    /** The image with this id, or {@code null}. */
    public CocoImage image(long id) {
        return imagesById.get(id);
    }

    /** The category with this id, or {@code null}. */
    public CocoCategory category(long id) {
        return categoriesById.get(id);
    }

    /** The annotations of one image in file order (empty for an image without objects or an unknown id). */
    public List<CocoAnnotation> annotationsForImage(long imageId) {
        return byImage.getOrDefault(imageId, List.of());
    }

    /** Image ids sorted ascending (pycocotools' default {@code params.imgIds}). */
    public long[] imageIdsSorted() {
        return imagesById.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
    }

    /** Category ids sorted ascending (pycocotools' default {@code params.catIds}). */
    public long[] categoryIdsSorted() {
        return categoriesSorted.stream().mapToLong(CocoCategory::id).toArray();
    }

    /** The number of categories K. */
    public int numCategories() {
        return categoriesSorted.size();
    }

    /** The contiguous label 0..K-1 of a category id (rank among sorted ids). */
    public int contiguousLabel(long categoryId) {
        Integer l = contiguous.get(categoryId);
        if (l == null) {
            throw new IllegalArgumentException("category id " + categoryId + " is not in " + source);
        }
        return l;
    }

    /** The category id of a contiguous label 0..K-1. */
    public long categoryIdOfContiguousLabel(int label) {
        if (label < 0 || label >= categoriesSorted.size()) {
            throw new IllegalArgumentException("contiguous label " + label + " is outside [0, "
                    + categoriesSorted.size() + ") for " + source);
        }
        return categoriesSorted.get(label).id();
    }

    /**
     * {@code num_classes} under torchvision's convention (label = category id, index 0 unused):
     * the largest category id plus one (1 when there are no categories).
     */
    public int numClassesTorchvision() {
        long max = categoriesSorted.isEmpty() ? 0 : categoriesSorted.get(categoriesSorted.size() - 1).id();
        if (max < 0 || max >= Integer.MAX_VALUE) {
            throw new IllegalArgumentException("category ids of " + source + " do not fit torchvision labels (max " + max + ")");
        }
        return (int) max + 1;
    }
}
