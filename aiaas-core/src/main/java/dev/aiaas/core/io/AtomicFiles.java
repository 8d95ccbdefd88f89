package dev.aiaas.core.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Writing a file atomically, and removing what earlier writes left behind when their process died.
 *
 * <p>{@link #write} writes the content to a temporary file beside the target, named
 * {@code .<target name>.<16 hex digits>.tmp} (for {@code model.aiaas}:
 * {@code .model.aiaas.3f9a0c1d2e4b5a67.tmp}), forces it to the disk and moves it over the target
 * in one step: a reader sees the old file or the new one, never a part. While it writes, the
 * writer holds an exclusive lock on its temporary file. If the write fails the temporary file is
 * removed; if the process is killed ({@code kill -9}, a power cut) it stays, and the next write of
 * the same target removes it: before writing, {@link #write} deletes each file of that folder
 * that is unmistakably an abandoned temporary file of the same target, namely one whose name is
 * {@code .<target name>.<1 to 20 hex digits>.tmp} (which also matches the names earlier
 * versions of aiaas used), that was last modified more than {@link #STALE_AFTER} before this
 * write began, and that no writer holds locked. Other files, the temporary files of other
 * targets and those still being written are left alone.
 */
public final class AtomicFiles {

    /**
     * How long before a write began a temporary file must have been last modified to count as
     * abandoned: far longer than the moment between a writer closing its temporary file and
     * moving it over the target, when it holds no lock.
     */
    public static final Duration STALE_AFTER = Duration.ofSeconds(10);

    private AtomicFiles() {
    }

    /** Content written to a stream. */
    @FunctionalInterface
    public interface Content {
        /**
         * Writes the content.
         *
         * @param out a buffered stream into the temporary file; it is flushed and closed for the
         *            caller, and must not be closed here
         * @throws IOException when the content cannot be written
         */
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Replaces {@code file} atomically with what {@code content} writes, after removing the
     * abandoned temporary files of the same target (see the class comment).
     *
     * @param file    the file to write, in an existing folder; an existing file is replaced
     * @param content writes the bytes
     * @throws NoSuchFileException when the folder does not exist
     * @throws IOException         when the file cannot be written; {@code file} is then as it was
     *                             and no temporary file is left
     */
    public static void write(Path file, Content content) throws IOException {
        Objects.requireNonNull(content, "content");
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new NoSuchFileException(String.valueOf(dir), null, "the folder to write " + target.getFileName()
                    + " in does not exist; create it first");
        }
        removeStale(target, Instant.now());
        // not Files.createTempFile, whose owner-only permissions the written file would keep
        Path tmp = dir.resolve(temporaryName(target));
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
                FileLock lock = lock(ch);
                try {
                    OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
                    content.writeTo(new NonClosing(out));
                    out.flush();
                    ch.force(true);
                } finally {
                    if (lock != null) {
                        lock.release();
                    }
                }
            }
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /**
     * Removes the abandoned temporary files of {@code file}'s earlier writes (see the class
     * comment): what {@link #write} does before it writes, for callers that write a file another
     * way. Files that cannot be removed (no permission) are left, silently.
     *
     * @param file the target whose temporary files to look for; its folder need not exist
     * @return the files removed
     */
    public static List<Path> removeStale(Path file) {
        return removeStale(file.toAbsolutePath(), Instant.now());
    }

    /** A new temporary name for {@code target}: {@code .<name>.<16 hex digits>.tmp}. */
    static String temporaryName(Path target) {
        return "." + target.getFileName() + "." + String.format(Locale.ROOT, "%016x", ThreadLocalRandom.current().nextLong())
                + ".tmp";
    }

    /** Whether {@code name} is a temporary name of the target named {@code targetName}, by this or an earlier version. */
    static boolean isTemporaryName(String name, String targetName) {
        String prefix = "." + targetName + ".";
        return name.length() > prefix.length() + 4 && name.startsWith(prefix) && name.endsWith(".tmp")
                && HEX.matcher(name.substring(prefix.length(), name.length() - 4)).matches();
    }

    private static final Pattern HEX = Pattern.compile("[0-9a-f]{1,20}");

    private static List<Path> removeStale(Path target, Instant writeBegins) {
        List<Path> removed = new ArrayList<>();
        Path dir = target.getParent();
        Path name = target.getFileName();
        if (dir == null || name == null || !Files.isDirectory(dir)) {
            return removed;
        }
        String targetName = name.toString();
        Instant before = writeBegins.minus(STALE_AFTER);
        DirectoryStream.Filter<Path> ours = p -> p.getFileName() != null && isTemporaryName(p.getFileName().toString(), targetName);
        try (DirectoryStream<Path> candidates = Files.newDirectoryStream(dir, ours)) {
            for (Path p : candidates) {
                try {
                    if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                            && Files.getLastModifiedTime(p, java.nio.file.LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(before)
                            && !lockedByAWriter(p)) {
                        Files.delete(p);
                        removed.add(p);
                    }
                } catch (IOException | SecurityException e) {
                    // not ours to remove after all (gone meanwhile, no permission): leave it
                }
            }
        } catch (IOException | SecurityException | java.nio.file.DirectoryIteratorException e) {
            // the folder cannot be listed: nothing to clean, and the write itself will report a real problem
        }
        return removed;
    }

    /** Whether a writer (in this process or another) holds {@code p} locked; false where locks are not supported. */
    private static boolean lockedByAWriter(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                return true; // a writer of this process holds it
            } catch (IOException e) {
                return false; // locks not supported here: the age alone decides
            }
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        }
    }

    /** An exclusive lock on the temporary file while it is written, or null where locks are not supported. */
    private static FileLock lock(FileChannel ch) {
        try {
            return ch.tryLock();
        } catch (IOException | OverlappingFileLockException e) {
            return null;
        }
    }

    /** Keeps the content from closing the stream that {@link #write} flushes and forces. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
