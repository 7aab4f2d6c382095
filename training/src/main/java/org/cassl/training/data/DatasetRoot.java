package org.cassl.training.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.cassl.training.UserInputException;

/**
 * A folder of images that file names in annotation files are resolved against. Names that would
 * escape the folder (absolute paths, {@code ..}, symbolic links leading outside) are rejected.
 */
public final class DatasetRoot {
    private final Path root;
    private final Path realRoot;

    public DatasetRoot(Path root) {
        if (!Files.isDirectory(root)) {
            throw new UserInputException("image folder not found: " + root);
        }
        this.root = root.toAbsolutePath().normalize();
        try {
            this.realRoot = root.toRealPath();
        } catch (IOException e) {
            throw new UserInputException("cannot open image folder " + root + ": " + e.getMessage(), e);
        }
    }

    public Path path() {
        return root;
    }

    /** The file for a name from an annotation file; throws when it would leave the root. */
    public Path resolve(String fileName) {
        if (fileName == null || fileName.isEmpty()) {
            throw new UserInputException("empty image file name in " + root);
        }
        Path rel = Path.of(fileName);
        if (rel.isAbsolute()) {
            throw new UserInputException("image path '" + fileName + "' is absolute; it must be relative to " + root);
        }
        Path p = root.resolve(rel).normalize();
        if (!p.startsWith(root)) {
            throw new UserInputException("image path '" + fileName + "' escapes the image folder " + root);
        }
        if (Files.exists(p)) {
            try {
                if (!p.toRealPath().startsWith(realRoot)) {
                    throw new UserInputException("image path '" + fileName + "' leads outside the image folder " + root
                            + " through a symbolic link");
                }
            } catch (IOException e) {
                throw new UserInputException("cannot resolve image path '" + fileName + "': " + e.getMessage(), e);
            }
        }
        return p;
    }
}
