package io.condenser.model;

import io.condenser.engine.data.ZipDirectory;
import io.condenser.problem.ProblemException;
import io.condenser.problem.ProblemType;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * A zip, tar or tar.gz of an ONNX model file and the files its external data lives in, unpacked with every entry
 * checked as it comes: regular files only (no links), plain file names (all in the folder of the first file, or in
 * none), no two alike, at most {@value #MAX_ENTRIES}, exactly one {@code .onnx}, and no more bytes out than the upload
 * limit, counted as they are written (a declared size can lie).
 */
final class ModelArchive {

    static final int MAX_ENTRIES = 16;
    private static final long MAX_DIRECTORY_BYTES = 64 * 1024;
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}");
    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};
    private static final byte[] GZIP_MAGIC = {0x1f, (byte) 0x8b};
    private static final int TAR_MAGIC_OFFSET = 257;
    private static final byte[] TAR_MAGIC = {'u', 's', 't', 'a', 'r'};
    private static final int TAR_BLOCK = 512;
    /** The pickled module of a TorchScript archive: {@code <name>/data.pkl}, which no ONNX model archive holds. */
    private static final Pattern TORCHSCRIPT_MODULE = Pattern.compile("[^/]+/data\\.pkl");
    private static final int MAX_TAR_HEADERS = 4 * MAX_ENTRIES;
    private static final long MAX_TAR_METADATA_BYTES = 8 * 1024;

    /** The unpacked model file and its data files, side by side in one directory. */
    record Unpacked(Path model, List<Path> dataFiles) {
        Unpacked {
            dataFiles = List.copyOf(dataFiles);
        }
    }

    private ModelArchive() {
    }

    /** Whether the content starts like one of the archive formats read here. */
    static boolean isArchive(InputStream content) throws IOException {
        byte[] head = content.readNBytes(TAR_MAGIC_OFFSET + TAR_MAGIC.length);
        return startsWith(head, 0, ZIP_MAGIC) || startsWith(head, 0, GZIP_MAGIC)
                || startsWith(head, TAR_MAGIC_OFFSET, TAR_MAGIC);
    }

    /**
     * Whether a zip is a TorchScript model as {@code torch.jit.save} writes it ({@code <name>/data.pkl},
     * {@code <name>/code/…}, {@code <name>/constants.pkl}, {@code <name>/version}) rather than an ONNX model archive.
     * Only its directory is read; a zip without a readable one is no TorchScript model libtorch could load either.
     */
    static boolean isTorchScript(Path file) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            return zip.stream().anyMatch(entry -> TORCHSCRIPT_MODULE.matcher(entry.getName()).matches());
        } catch (ZipException e) {
            return false;
        }
    }

    /**
     * @throws ProblemException UNSUPPORTED_MODEL_FORMAT for a tar of a TorchScript model's files, INVALID_MODEL for an archive that
     *                          breaks a rule, UPLOAD_TOO_LARGE when it unpacks to more than {@code maxBytes}
     */
    static Unpacked unpack(Path archive, Path directory, long maxBytes) throws IOException {
        Extraction extraction = new Extraction(directory, maxBytes);
        byte[] head;
        try (InputStream in = Files.newInputStream(archive)) {
            head = in.readNBytes(ZIP_MAGIC.length);
        }
        if (startsWith(head, 0, ZIP_MAGIC)) {
            unpackZip(archive, extraction);
        } else {
            unpackTar(archive, startsWith(head, 0, GZIP_MAGIC), extraction);
        }
        return extraction.result();
    }

    private static void unpackZip(Path archive, Extraction extraction) throws IOException {
        ZipDirectory declared = ZipDirectory.read(archive).orElseThrow(() -> invalid("it has no zip end record"));
        if (declared.entries() > MAX_ENTRIES || declared.directoryBytes() > MAX_DIRECTORY_BYTES) {
            throw invalid("it declares " + declared.entries() + " entries; a model and its data files are at most "
                    + MAX_ENTRIES);
        }
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            if (zip.size() > MAX_ENTRIES) {
                throw invalid("it holds " + zip.size() + " entries; a model and its data files are at most "
                        + MAX_ENTRIES);
            }
            for (ZipEntry entry : zip.stream().filter(e -> !e.isDirectory()).toList()) {
                try (InputStream in = zip.getInputStream(entry)) {
                    extraction.add(entry.getName(), in);
                }
            }
        } catch (ZipException e) {
            throw invalid("it cannot be read as a zip archive: " + e.getMessage());
        }
    }

    private static void unpackTar(Path archive, boolean gzipped, Extraction extraction) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive), 1 << 16);
             InputStream file = gzipped ? gunzip(raw) : raw) {
            checkTarHeaders(file, extraction.maxBytes);
        }
        InputStream raw = new BufferedInputStream(Files.newInputStream(archive), 1 << 16);
        try (InputStream file = gzipped ? gunzip(raw) : raw;
             TarArchiveInputStream tar = new TarArchiveInputStream(file)) {
            TarArchiveEntry entry;
            while ((entry = nextEntry(tar)) != null) {
                if (entry.isDirectory()) {
                    continue;
                }
                if (!entry.isFile() || entry.isSymbolicLink() || entry.isLink()) {
                    throw invalid("its entry '" + shortened(entry.getName()) + "' is a link or special file; only"
                            + " regular files are unpacked");
                }
                extraction.add(entry.getName(), tar);
            }
        }
    }

    /**
     * Walks the raw tar headers before the tar reader does: it reads a GNU long name or a PAX header whole into memory,
     * so a tiny gzip could declare one of gigabytes. Also bounds the headers and the bytes they describe.
     */
    private static void checkTarHeaders(InputStream tar, long maxBytes) throws IOException {
        byte[] header = new byte[TAR_BLOCK];
        long described = 0;
        for (int headers = 0; ; headers++) {
            if (readBlock(tar, header) < TAR_BLOCK || isZeroBlock(header)) {
                return;
            }
            if (headers > MAX_TAR_HEADERS) {
                throw invalid("it holds more than " + MAX_TAR_HEADERS + " tar headers");
            }
            long size = octal(header, 124, 12);
            byte type = header[156];
            boolean metadata = type == 'L' || type == 'K' || type == 'x' || type == 'g';
            if (size < 0 || metadata && size > MAX_TAR_METADATA_BYTES) {
                throw invalid("a tar header declares " + (size < 0 ? "an unreadable size" : size + " bytes of"
                        + " names or attributes"));
            }
            described += size;
            if (described > maxBytes) {
                throw new ProblemException(ProblemType.UPLOAD_TOO_LARGE, "the archive unpacks to more than "
                        + maxBytes + " bytes");
            }
            long padded = (size + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK;
            try {
                tar.skipNBytes(padded);
            } catch (EOFException e) {
                throw invalid("it is cut short inside an entry");
            }
        }
    }

    private static int readBlock(InputStream in, byte[] block) {
        try {
            return in.readNBytes(block, 0, block.length);
        } catch (IOException e) {
            throw invalid("it cannot be read as a tar archive: " + e.getMessage());
        }
    }

    private static boolean isZeroBlock(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** A tar size field: octal digits (base-256 sizes, for files over 8 GB, are refused as -1). */
    private static long octal(byte[] header, int offset, int length) {
        long value = 0;
        for (int i = offset; i < offset + length; i++) {
            byte b = header[i];
            if (b == 0 || b == ' ') {
                if (value > 0 || i > offset) {
                    break;
                }
                continue;
            }
            if (b < '0' || b > '7') {
                return -1;
            }
            value = value * 8 + (b - '0');
        }
        return value;
    }

    private static InputStream gunzip(InputStream raw) throws IOException {
        try {
            return new GzipCompressorInputStream(raw);
        } catch (IOException e) {
            raw.close();
            throw invalid("it cannot be read as gzip: " + e.getMessage());
        }
    }

    /** The next entry; a header the tar reader cannot parse is the upload's fault, not an I/O failure. */
    private static TarArchiveEntry nextEntry(TarArchiveInputStream tar) {
        try {
            return tar.getNextEntry();
        } catch (IOException e) {
            throw invalid("it cannot be read as a tar archive: " + e.getMessage());
        }
    }

    /** The entries unpacked so far and the rules they must keep. */
    private static final class Extraction {

        private final Path directory;
        private final long maxBytes;
        private final Set<String> names = new HashSet<>();
        private final List<Path> dataFiles = new ArrayList<>();
        private String folder;
        private Path model;
        private long written;

        Extraction(Path directory, long maxBytes) {
            this.directory = directory;
            this.maxBytes = maxBytes;
        }

        void add(String entryName, InputStream content) throws IOException {
            if (entryName.endsWith("data.pkl") || entryName.endsWith("constants.pkl")) {
                throw new ProblemException(ProblemType.UNSUPPORTED_MODEL_FORMAT, "the archive holds a"
                        + " TorchScript model's files; upload the TorchScript file itself (the .pt zip"
                        + " torch.jit.save writes)");
            }
            int slash = entryName.lastIndexOf('/');
            String entryFolder = slash < 0 ? "" : entryName.substring(0, slash + 1);
            if (folder == null) {
                folder = entryFolder;
            }
            String name = entryName.substring(entryFolder.length());
            if (!entryFolder.equals(folder) || entryFolder.chars().filter(c -> c == '/').count() > 1
                    || !PLAIN_NAME.matcher(name).matches()
                    || !entryFolder.isEmpty() && !PLAIN_NAME.matcher(entryFolder.substring(0, slash)).matches()) {
                throw invalid("its entry '" + shortened(entryName) + "' is not a plain file name (letters, digits,"
                        + " '.', '_', '-') in the same folder as the others (one enclosing folder at most)");
            }
            if (!names.add(name)) {
                throw invalid("it holds '" + name + "' twice");
            }
            if (names.size() > MAX_ENTRIES) {
                throw invalid("it holds more than " + MAX_ENTRIES + " files");
            }
            Path target = directory.resolve(name);
            copy(entryName, content, target);
            if (name.endsWith(".onnx")) {
                if (model != null) {
                    throw invalid("it holds more than one .onnx file");
                }
                model = target;
            } else {
                dataFiles.add(target);
            }
        }

        private void copy(String entryName, InputStream content, Path target) throws IOException {
            try (OutputStream out = Files.newOutputStream(target)) {
                byte[] buffer = new byte[1 << 16];
                int read;
                while ((read = read(entryName, content, buffer)) != -1) {
                    written += read;
                    if (written > maxBytes) {
                        throw new ProblemException(ProblemType.UPLOAD_TOO_LARGE, "the archive unpacks to more than "
                                + maxBytes + " bytes");
                    }
                    out.write(buffer, 0, read);
                }
            }
        }

        /** Reads on; a read that fails is the archive's data being cut short or corrupt (writes fail on their own). */
        private static int read(String entryName, InputStream content, byte[] buffer) {
            try {
                return content.read(buffer);
            } catch (IOException e) {
                throw invalid("its entry '" + shortened(entryName) + "' is cut short or corrupt: " + e.getMessage());
            }
        }

        Unpacked result() {
            if (model == null) {
                throw invalid("it holds no .onnx file");
            }
            return new Unpacked(model, dataFiles);
        }
    }

    private static boolean startsWith(byte[] bytes, int offset, byte[] prefix) {
        return bytes.length >= offset + prefix.length
                && Arrays.equals(bytes, offset, offset + prefix.length, prefix, 0, prefix.length);
    }

    private static String shortened(String name) {
        return name.length() <= 100 ? name : name.substring(0, 100) + "…";
    }

    private static ProblemException invalid(String reason) {
        return new ProblemException(ProblemType.INVALID_MODEL, "the upload is not a model archive: " + reason);
    }
}
