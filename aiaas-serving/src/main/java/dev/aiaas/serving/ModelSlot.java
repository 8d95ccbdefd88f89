package dev.aiaas.serving;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One served name and the model version serving it now. A request leases the current version
 * ({@link #acquire()}) and gives it back when it is answered; {@link #replace} makes a new
 * version current for every later request, and the old one is closed when its last lease ends,
 * so no request is dropped or sees a closed model during a reload.
 *
 * <p>A name given as a folder is versioned: the folder holds numbered sub-folders
 * ({@code DIR/1/}, {@code DIR/2/}, ...), each with one model file (files whose names start with
 * a dot, such as the temporary files of an atomic save, are ignored, and so is an ONNX encoder's
 * {@code tokenizer.json} beside it), and the highest numbered
 * one with a file is served ({@link #latest(Path)}).
 */
final class ModelSlot {

    /** One version and the requests using it; the slot holds one lease while it is current. */
    static final class Lease implements AutoCloseable {
        final ServedModel model;
        private final AtomicInteger refs = new AtomicInteger(1);

        Lease(ServedModel model) {
            this.model = model;
        }

        private boolean tryAcquire() {
            for (int r = refs.get(); r > 0; r = refs.get()) {
                if (refs.compareAndSet(r, r + 1)) {
                    return true;
                }
            }
            return false;
        }

        /** Gives the lease back; the last one closes the model. */
        @Override
        public void close() {
            if (refs.decrementAndGet() == 0) {
                model.close();
            }
        }
    }

    /** A version folder's number and its model file. */
    record Version(long number, Path file) {
    }

    final String name;
    final Path path;
    final boolean versioned;
    private volatile Lease current;
    private volatile boolean closed;

    ModelSlot(String name, Path path, ServedModel first) {
        this.name = name;
        this.path = path;
        this.versioned = Files.isDirectory(path);
        this.current = new Lease(first);
    }

    /** The current version, leased until the returned lease is closed; null once the slot is closed. */
    Lease acquire() {
        while (!closed) {
            Lease l = current;
            if (l.tryAcquire()) {
                return l;
            }
        }
        return null;
    }

    /** The current version's model (for status pages and tests; not leased). */
    ServedModel peek() {
        return current.model;
    }

    /** Makes {@code next} current; the previous version closes when its last request ends. */
    synchronized void replace(ServedModel next) {
        Lease old = current;
        current = new Lease(next);
        old.close();
    }

    /** Gives back the slot's own lease: the model closes when the requests using it end. */
    synchronized void close() {
        if (!closed) {
            closed = true;
            current.close();
        }
    }

    /**
     * The highest numbered version folder of {@code dir} that holds exactly one model file.
     *
     * @return the version, or null when there is none
     */
    static Version latest(Path dir) throws IOException {
        List<Path> folders = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                String n = p.getFileName().toString();
                if (n.matches("[0-9]{1,18}") && Files.isDirectory(p)) {
                    folders.add(p);
                }
            }
        }
        folders.sort((a, b) -> Long.compare(Long.parseLong(b.getFileName().toString()), Long.parseLong(a.getFileName().toString())));
        for (Path folder : folders) {
            List<Path> files = new ArrayList<>();
            try (DirectoryStream<Path> s = Files.newDirectoryStream(folder)) {
                for (Path p : s) {
                    String n = p.getFileName().toString();
                    if (!n.startsWith(".") && !n.endsWith("tokenizer.json") && Files.isRegularFile(p)) {
                        files.add(p);
                    }
                }
            }
            if (files.size() == 1) {
                return new Version(Long.parseLong(folder.getFileName().toString()), files.get(0));
            }
        }
        return null;
    }
}
