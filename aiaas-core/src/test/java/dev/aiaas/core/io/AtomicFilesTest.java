package dev.aiaas.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Model;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Atomic writes and the removal of what killed writes left: a write removes the abandoned
 * temporary files of its own target, and nothing else.
 */
class AtomicFilesTest {

    @TempDir
    Path dir;

    /** A file of {@code size} bytes, last modified an hour ago: what a writer killed an hour ago left. */
    private Path stale(String name, int size) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, new byte[size]);
        Files.setLastModifiedTime(p, FileTime.from(Instant.now().minusSeconds(3600)));
        return p;
    }

    private Set<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    void aWriteRemovesTheStaleTemporaryFilesOfItsTargetAndNothingElse() throws Exception {
        // ours, abandoned: this version's name, and the names earlier versions used (hex nanoTime; createTempFile's decimal)
        stale(".model.aiaas.3f9a0c1d2e4b5a67.tmp", 2_000_000);
        stale(".model.aiaas.1c2d3e.tmp", 10);
        stale(".model.aiaas.12345678901234567890.tmp", 10);
        // not ours to remove: other targets' temporary files, other names, a folder, and a recent one (a writer may be at work)
        Set<String> kept = new TreeSet<>(List.of(".other.aiaas.3f9a0c1d2e4b5a67.tmp", ".model.aiaas.bak.tmp", "model.aiaas.1234.tmp",
                ".model.aiaas.XYZ.tmp", ".model.aiaas.3F9A.tmp", ".model.aiaas..tmp", ".model.aiaas.123456789012345678901.tmp",
                ".model.aiaas.3f9a.tmp.keep", "notes.txt", ".model.aiaas.abc.tmp.d"));
        for (String k : kept) {
            stale(k, 10);
        }
        Files.delete(dir.resolve(".model.aiaas.abc.tmp.d"));
        Files.createDirectory(dir.resolve(".model.aiaas.abc.tmp.d"));
        Path dirLike = Files.createDirectory(dir.resolve(".model.aiaas.abcd.tmp"));
        Files.setLastModifiedTime(dirLike, FileTime.from(Instant.now().minusSeconds(3600)));
        kept.add(".model.aiaas.abcd.tmp");
        Path recent = dir.resolve(".model.aiaas.0123456789abcdef.tmp");
        Files.write(recent, new byte[10]);
        kept.add(recent.getFileName().toString());

        Path target = dir.resolve("model.aiaas");
        AtomicFiles.write(target, out -> out.write("new".getBytes(StandardCharsets.UTF_8)));

        Set<String> expected = new TreeSet<>(kept);
        expected.add("model.aiaas");
        assertEquals(expected, names());
        assertEquals("new", Files.readString(target));
    }

    @Test
    void aTemporaryFileThatAWriterHoldsLockedIsLeftAlone() throws Exception {
        Path busy = stale(".model.aiaas.00000000000000aa.tmp", 10);
        Path target = dir.resolve("model.aiaas");
        try (FileChannel ch = FileChannel.open(busy, StandardOpenOption.WRITE); FileLock lock = ch.lock()) {
            assertTrue(lock.isValid());
            AtomicFiles.write(target, out -> out.write(1));
            assertTrue(Files.exists(busy), "a locked temporary file belongs to a writer at work");
        }
        assertEquals(List.of(busy), AtomicFiles.removeStale(target), "once unlocked and old, it is abandoned");
        assertFalse(Files.exists(busy));
    }

    @Test
    void theTemporaryNameIsUnmistakablyTheTargets() {
        Path target = dir.resolve("m.aiaas");
        String name = AtomicFiles.temporaryName(target);
        assertTrue(name.matches("\\.m\\.aiaas\\.[0-9a-f]{16}\\.tmp"), name);
        assertTrue(AtomicFiles.isTemporaryName(name, "m.aiaas"));
        assertFalse(AtomicFiles.isTemporaryName(name, "aiaas"));
        assertFalse(AtomicFiles.isTemporaryName(name, "m"));
        assertFalse(AtomicFiles.isTemporaryName(".m.aiaas.tmp", "m.aiaas"));
    }

    @Test
    void aFailedWriteLeavesTheEarlierFileAndNoTemporaryFile() throws Exception {
        Path target = dir.resolve("data.txt");
        Files.writeString(target, "before");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write("half".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertEquals("before", Files.readString(target));
        assertEquals(Set.of("data.txt"), names());
        assertThrows(NoSuchFileException.class, () -> AtomicFiles.write(dir.resolve("no/such/folder/x"), out -> out.write(1)));
    }

    @Test
    void theContentMayCloseItsStreamAndTheFileIsComplete() throws Exception {
        Path target = dir.resolve("closed.bin");
        byte[] data = new byte[200_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31);
        }
        AtomicFiles.write(target, out -> {
            try (out) {
                out.write(data);
            }
        });
        assertArrayEquals(data, Files.readAllBytes(target));
    }

    /** The finding: {@code kill -9} during a checkpoint save left 2-22 MB temporary files that nothing removed. */
    @Test
    void aModelSaveRemovesWhatAKilledSaveLeft() throws Exception {
        Backends.current();
        Path target = dir.resolve("ckpt.aiaas");
        Path killed = stale(".ckpt.aiaas.00c0ffee00c0ffee.tmp", 22_000_000);
        Path otherTargets = stale(".other.aiaas.00c0ffee00c0ffee.tmp", 100);
        try (Model m = Model.builder(3).add(Layers.dense(2)).build()) {
            ModelIO.save(m, target);
        }
        assertFalse(Files.exists(killed));
        assertTrue(Files.exists(otherTargets));
        assertEquals(Set.of("ckpt.aiaas", ".other.aiaas.00c0ffee00c0ffee.tmp"), names());
    }
}
