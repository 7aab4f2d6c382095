package org.cassl.spark;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.cassl.training.UserInputException;

/** Small helpers over Hadoop {@link FileSystem}: whole-file reads and atomic (temp + rename) writes. */
public final class HadoopFiles {
    private HadoopFiles() {
    }

    /** A path or URI as a Hadoop path; plain paths are local files made absolute. */
    public static Path path(String s) {
        URI u = URI.create(s.replace(" ", "%20"));
        if (u.getScheme() == null) {
            return new Path(java.nio.file.Path.of(s).toAbsolutePath().normalize().toUri());
        }
        return new Path(u);
    }

    /** Whether a path or URI names a local file (no scheme, or {@code file:}). */
    public static boolean isLocal(String s) {
        int colon = s.indexOf(':');
        int slash = s.indexOf('/');
        return colon < 0 || (slash >= 0 && colon > slash) || s.startsWith("file:");
    }

    /** The local path of a local path or {@code file:} URI. */
    public static java.nio.file.Path local(String s) {
        return s.startsWith("file:") ? java.nio.file.Path.of(URI.create(s)) : java.nio.file.Path.of(s);
    }

    public static FileSystem fs(Path p, Configuration conf) {
        try {
            return p.getFileSystem(conf);
        } catch (IOException | RuntimeException e) {
            throw new UserInputException("cannot reach the file system of " + p + ": " + oneLine(e));
        }
    }

    /** All bytes of a file; a missing file is a {@link UserInputException} naming {@code what}. */
    public static byte[] readAll(Path p, Configuration conf, String what) {
        FileSystem fs = fs(p, conf);
        try (InputStream in = fs.open(p)) {
            return in.readAllBytes();
        } catch (FileNotFoundException e) {
            throw new UserInputException(what + " not found: " + p);
        } catch (IOException e) {
            throw new UserInputException("cannot read " + what + " " + p + ": " + oneLine(e));
        }
    }

    /** A writer of one output stream. */
    public interface StreamWriter {
        void write(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code dst} atomically: a unique temporary file beside it, then a rename. When another
     * writer (a speculative or retried task) renamed first, its file is kept and ours dropped: both
     * hold the same bytes by construction.
     */
    public static void writeAtomically(FileSystem fs, Path dst, StreamWriter w) throws IOException {
        Path tmp = new Path(dst.getParent(), "._tmp-" + dst.getName() + "-" + UUID.randomUUID());
        try {
            try (OutputStream out = fs.create(tmp, true)) {
                w.write(out);
            }
            if (fs.exists(dst) && !dst.getName().endsWith(".jsonl")) {
                fs.delete(dst, false);
            }
            if (!fs.rename(tmp, dst) && !fs.exists(dst)) {
                throw new IOException("cannot rename " + tmp + " to " + dst);
            }
        } finally {
            if (fs.exists(tmp)) {
                fs.delete(tmp, false);
            }
        }
    }

    public static String readString(FileSystem fs, Path p) throws IOException {
        try (InputStream in = fs.open(p)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static byte[] bytes(StreamWriter w) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        w.write(b);
        return b.toByteArray();
    }

    /**
     * A copy of {@code base} for cassl's files: {@code file:} goes through the raw local file system
     * (no {@code .crc} side files beside outputs).
     */
    public static Configuration conf(Configuration base) {
        Configuration c = new Configuration(base);
        c.set("fs.file.impl", "org.apache.hadoop.fs.RawLocalFileSystem");
        c.setBoolean("fs.file.impl.disable.cache", true);
        return c;
    }

    /** A configuration as bytes, to ship to executors (it carries {@code spark.hadoop.*} settings such as S3 credentials). */
    public static byte[] toBytes(Configuration c) {
        try {
            java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
            try (java.io.DataOutputStream d = new java.io.DataOutputStream(b)) {
                c.write(d);
            }
            return b.toByteArray();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static Configuration fromBytes(byte[] bytes) {
        try {
            Configuration c = new Configuration(false);
            c.readFields(new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes)));
            return c;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The first line of an exception's message (its class name when it has none). */
    public static String oneLine(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
