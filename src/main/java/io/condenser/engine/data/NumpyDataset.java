package io.condenser.engine.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A dataset in NumPy's files: an {@code .npz} archive with {@code x} (float32 [N, …]) and optionally {@code y} (int64
 * [N] class labels), or a lone {@code .npy} holding {@code x}. Opening checks the structure (headers, shapes, sizes)
 * without reading the data; {@link #reader()} streams the samples, so a dataset never has to fit in memory.
 */
public final class NumpyDataset implements AutoCloseable {

    /** How the dataset is stored. */
    public enum Format {
        NPZ, NPY
    }

    /**
     * The most values one sample may have (16 MB of float32: a 3×1024×1024 image fits): a sample is the smallest unit
     * read into memory, so a tiny archive declaring one enormous sample could otherwise claim gigabytes of heap.
     */
    public static final int MAX_SAMPLE_VALUES = 1 << 22;

    /** Central directory bytes an archive of x and y needs, with room to spare; anything larger is not one. */
    private static final int MAX_CENTRAL_DIRECTORY_BYTES = 64 * 1024;

    private static final String X_ENTRY = "x.npy";
    private static final String Y_ENTRY = "y.npy";
    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};
    private static final byte[] EMPTY_ZIP_MAGIC = {'P', 'K', 5, 6};

    private final Path file;
    private final Format format;
    private final ZipFile zip;
    private final NpyHeader x;
    private final NpyHeader y;
    private final List<SampleReader> readers = new ArrayList<>();

    private NumpyDataset(Path file, Format format, ZipFile zip, NpyHeader x, NpyHeader y) {
        this.file = file;
        this.format = format;
        this.zip = zip;
        this.x = x;
        this.y = y;
    }

    /**
     * Opens and checks a dataset file; its format is told by its content, not its name.
     *
     * @param maxDataBytes the most bytes x and y may declare together (decompressed), against archive bombs
     */
    public static NumpyDataset open(Path file, long maxDataBytes) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(ZIP_MAGIC.length);
        }
        if (Arrays.equals(head, ZIP_MAGIC) || Arrays.equals(head, EMPTY_ZIP_MAGIC)) {
            return openArchive(file, maxDataBytes);
        }
        if (!NpyHeader.startsWithMagic(head)) {
            throw new UnrecognizedDatasetFormatException("the file is neither a NumPy .npy array nor an .npz archive;"
                    + " save x (and y) with np.savez or np.save");
        }
        NpyHeader x;
        try (InputStream in = Files.newInputStream(file)) {
            x = NpyHeader.read(in, "x");
        }
        checkSamples(x, maxDataBytes);
        checkLength("x", x, Files.size(file));
        return new NumpyDataset(file, Format.NPY, null, x, null);
    }

    private static NumpyDataset openArchive(Path file, long maxDataBytes) throws IOException {
        ZipDirectory directory = ZipDirectory.read(file).orElseThrow(() -> new InvalidDatasetException(
                "the file starts like a zip archive but has no end record"));
        if (directory.entries() > 2 || directory.directoryBytes() > MAX_CENTRAL_DIRECTORY_BYTES) {
            throw new InvalidDatasetException("an .npz dataset holds x and optionally y; this archive declares "
                    + directory.entries() + " entries in " + directory.directoryBytes() + " bytes of directory");
        }
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new InvalidDatasetException("the file starts like a zip archive but cannot be read as one: "
                    + e.getMessage());
        }
        try {
            Set<String> names = zip.stream().map(ZipEntry::getName).collect(Collectors.toSet());
            if (names.size() != zip.size()) {
                throw new InvalidDatasetException("the archive holds an entry name twice");
            }
            Set<String> unexpected = names.stream().filter(n -> !n.equals(X_ENTRY) && !n.equals(Y_ENTRY))
                    .collect(Collectors.toSet());
            if (!names.contains(X_ENTRY) || !unexpected.isEmpty()) {
                throw new InvalidDatasetException("an .npz dataset holds x and optionally y (np.savez(f, x=x, y=y));"
                        + " this one holds " + (names.isEmpty() ? "nothing" : String.join(", ", names)));
            }
            NpyHeader x = entryHeader(zip, X_ENTRY, "x");
            NpyHeader y = names.contains(Y_ENTRY) ? entryHeader(zip, Y_ENTRY, "y") : null;
            if (y != null && safeBytes(y) > maxDataBytes) {
                throw new InvalidDatasetException("y declares " + safeBytes(y) + " bytes; at most " + maxDataBytes
                        + " are accepted");
            }
            checkSamples(x, y == null ? maxDataBytes : maxDataBytes - safeBytes(y));
            if (y != null) {
                checkLabels(x, y);
            }
            checkEntryLength(zip, X_ENTRY, "x", x);
            if (y != null) {
                checkEntryLength(zip, Y_ENTRY, "y", y);
            }
            return new NumpyDataset(file, Format.NPZ, zip, x, y);
        } catch (IOException | RuntimeException e) {
            zip.close();
            throw e;
        }
    }

    private static NpyHeader entryHeader(ZipFile zip, String entryName, String what) throws IOException {
        ZipEntry entry = zip.getEntry(entryName);
        NpyHeader header;
        try (InputStream in = zip.getInputStream(entry)) {
            header = NpyHeader.read(in, what);
        } catch (ZipException | EOFException e) {
            throw new InvalidDatasetException(what + " cannot be read from the archive: " + e.getMessage());
        }
        return header;
    }

    private static long safeBytes(NpyHeader header) {
        try {
            return header.dataBytes();
        } catch (ArithmeticException e) {
            throw new InvalidDatasetException("the declared shape " + Arrays.toString(header.shape())
                    + " is too large");
        }
    }

    private static void checkSamples(NpyHeader x, long maxDataBytes) {
        if (x.type() != NpyElementType.FLOAT32) {
            throw new InvalidDatasetException("x must be float32 (x.astype(np.float32)); it is "
                    + x.type().descriptor());
        }
        if (x.shape().length < 2 || x.shape()[0] < 1) {
            throw new InvalidDatasetException("x must have the shape [N, …] with N ≥ 1 samples of at least one"
                    + " dimension; it has " + Arrays.toString(x.shape()));
        }
        long bytes = safeBytes(x);
        if (bytes > maxDataBytes) {
            throw new InvalidDatasetException("the arrays declare " + bytes + " bytes of samples; at most "
                    + maxDataBytes + " are accepted");
        }
        long perSample = bytes / x.shape()[0] / x.type().size();
        if (perSample < 1 || perSample > MAX_SAMPLE_VALUES) {
            throw new InvalidDatasetException("each sample of x has " + perSample + " values; between 1 and "
                    + MAX_SAMPLE_VALUES + " are accepted");
        }
    }

    private static void checkLabels(NpyHeader x, NpyHeader y) {
        if (y.type() != NpyElementType.INT64) {
            throw new InvalidDatasetException("y must be int64 class indices (y.astype(np.int64)); it is "
                    + y.type().descriptor());
        }
        if (y.shape().length != 1 || y.shape()[0] != x.shape()[0]) {
            throw new InvalidDatasetException("y must have the shape [" + x.shape()[0] + "] (one label per sample of"
                    + " x); it has " + Arrays.toString(y.shape()));
        }
    }

    /** The archive's directory states each entry's size; the data read later is checked against the header too. */
    private static void checkEntryLength(ZipFile zip, String entryName, String what, NpyHeader header) {
        long size = zip.getEntry(entryName).getSize();
        if (size >= 0) {
            checkLength(what, header, size);
        }
    }

    private static void checkLength(String what, NpyHeader header, long storedBytes) {
        long expected = header.headerBytes() + safeBytes(header);
        if (storedBytes != expected) {
            throw new InvalidDatasetException(what + " holds " + storedBytes + " bytes but its header declares "
                    + expected + " (" + (storedBytes < expected ? "truncated" : "trailing data") + ")");
        }
    }

    public Format format() {
        return format;
    }

    public long sampleCount() {
        return x.shape()[0];
    }

    /** The shape of one sample: x's shape without its first dimension. */
    public long[] sampleShape() {
        return Arrays.copyOfRange(x.shape(), 1, x.shape().length);
    }

    public int sampleElements() {
        return Math.toIntExact(x.elementCount() / sampleCount());
    }

    public boolean labelled() {
        return y != null;
    }

    /** A new reader from the first sample. */
    public SampleReader reader() throws IOException {
        InputStream samples = dataStream(X_ENTRY, x);
        try {
            InputStream labels = y == null ? null : dataStream(Y_ENTRY, y);
            SampleReader reader = new SampleReader(samples, labels, sampleCount(), sampleElements());
            readers.add(reader);
            return reader;
        } catch (IOException | RuntimeException e) {
            samples.close();
            throw e;
        }
    }

    private InputStream dataStream(String entryName, NpyHeader header) throws IOException {
        InputStream raw = zip == null ? Files.newInputStream(file) : zip.getInputStream(zip.getEntry(entryName));
        InputStream in = new BufferedInputStream(raw, 1 << 20);
        try {
            in.skipNBytes(header.headerBytes());
            return in;
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /** Closes the dataset and every reader still open on it (one abandoned by a failed or cancelled job). */
    @Override
    public void close() throws IOException {
        try (ZipFile archive = zip) {
            for (SampleReader reader : readers) {
                reader.close();
            }
            readers.clear();
        }
    }
}
