package org.cassl.tensor.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Temporary files and folders are created owner-only; before one is renamed into place as a
 * user-visible output it gets the permissions of an ordinary file (rw-r--r--) or folder
 * (rwxr-xr-x). Silently does nothing on file systems without POSIX permissions.
 */
public final class PublicFiles {
    private PublicFiles() {
    }

    public static void makePublic(Path p) {
        try {
            boolean dir = Files.isDirectory(p);
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(dir ? "rwxr-xr-x" : "rw-r--r--"));
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system, or not ours to change: keep what we have
        }
    }
}
