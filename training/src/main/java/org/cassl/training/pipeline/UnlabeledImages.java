package org.cassl.training.pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.cassl.detection.coco.CocoDataset;
import org.cassl.detection.coco.CocoImage;
import org.cassl.training.UserInputException;
import org.cassl.training.data.DatasetRoot;
import org.cassl.training.data.Images;

/**
 * A list of unlabeled images under one root folder: every image file of a folder (recursively,
 * sorted by path), the lines of an image-list file (paths relative to the list's folder), or the
 * images of a COCO file. Non-image files are skipped and counted.
 *
 * @param root      the folder file names are relative to
 * @param fileNames relative names in a stable order
 * @param skipped   non-image files left out while listing
 */
public record UnlabeledImages(Path root, List<String> fileNames, int skipped) {

    /** Every image file under {@code dir}. */
    public static UnlabeledImages folder(Path dir) {
        DatasetRoot root = new DatasetRoot(dir);
        List<String> names = new ArrayList<>();
        int skipped = 0;
        try (Stream<Path> s = Files.walk(root.path())) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                if (Images.hasImageExtension(p)) {
                    names.add(root.path().relativize(p).toString());
                } else {
                    skipped++;
                }
            }
        } catch (IOException e) {
            throw new UserInputException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        if (names.isEmpty()) {
            throw new UserInputException("no images (png, jpg, jpeg, bmp, gif) found in " + dir);
        }
        return new UnlabeledImages(root.path(), names, skipped);
    }

    /** The images named one per line in {@code listFile} (blank lines and '#' comments ignored). */
    public static UnlabeledImages list(Path listFile) {
        if (!Files.isRegularFile(listFile)) {
            throw new UserInputException("image list not found: " + listFile);
        }
        Path base = listFile.toAbsolutePath().getParent();
        DatasetRoot root = new DatasetRoot(base);
        List<String> names = new ArrayList<>();
        int skipped = 0;
        try {
            for (String line : Files.readAllLines(listFile, StandardCharsets.UTF_8)) {
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                root.resolve(t);
                if (Images.hasImageExtension(Path.of(t))) {
                    names.add(t);
                } else {
                    skipped++;
                }
            }
        } catch (IOException e) {
            throw new UserInputException("cannot read image list " + listFile + ": " + e.getMessage(), e);
        }
        if (names.isEmpty()) {
            throw new UserInputException("image list " + listFile + " names no images");
        }
        return new UnlabeledImages(base, names, skipped);
    }

    /** The images of a COCO file (annotations ignored). */
    public static UnlabeledImages coco(CocoDataset ds, Path imageDir) {
        List<String> names = new ArrayList<>();
        for (CocoImage im : ds.images()) {
            names.add(im.fileName());
        }
        if (names.isEmpty()) {
            throw new UserInputException(ds.source() + " has no images");
        }
        return new UnlabeledImages(new DatasetRoot(imageDir).path(), names, 0);
    }
}
