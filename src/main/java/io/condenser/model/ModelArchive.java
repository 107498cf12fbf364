package io.condenser.model;

import io.condenser.engine.data.ZipDirectory;
import io.condenser.problem.ProblemException;
import io.condenser.problem.ProblemType;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A zip of an ONNX model file and the files its external data lives in, unpacked with every entry checked first:
 * plain file names only (one folder around them all is allowed and dropped), no two alike, exactly one {@code .onnx},
 * and no more bytes out than the upload limit, counted as they are written (a declared size can lie).
 */
final class ModelArchive {

    static final int MAX_ENTRIES = 16;
    private static final long MAX_DIRECTORY_BYTES = 64 * 1024;
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}");

    /** The unpacked model file and its data files, side by side in one directory. */
    record Unpacked(Path model, List<Path> dataFiles) {
        Unpacked {
            dataFiles = List.copyOf(dataFiles);
        }
    }

    private ModelArchive() {
    }

    /**
     * @throws ProblemException UNSUPPORTED_MODEL_FORMAT for a TorchScript archive, INVALID_MODEL for an archive that
     *                          breaks a rule, UPLOAD_TOO_LARGE when it unpacks to more than {@code maxBytes}
     */
    static Unpacked unpack(Path archive, Path directory, long maxBytes) throws IOException {
        ZipDirectory declared = ZipDirectory.read(archive).orElseThrow(() -> invalid("it has no zip end record"));
        if (declared.entries() > MAX_ENTRIES || declared.directoryBytes() > MAX_DIRECTORY_BYTES) {
            throw invalid("it declares " + declared.entries() + " entries; a model and its data files are at most "
                    + MAX_ENTRIES);
        }
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            List<? extends ZipEntry> entries = zip.stream().filter(e -> !e.isDirectory()).toList();
            if (entries.stream().anyMatch(e -> e.getName().endsWith("data.pkl")
                    || e.getName().endsWith("constants.pkl"))) {
                throw new ProblemException(ProblemType.UNSUPPORTED_MODEL_FORMAT, "the archive is a TorchScript model;"
                        + " this version accepts ONNX models (a .onnx file, or a zip of one and its external data)");
            }
            String folder = commonFolder(entries);
            Set<String> names = new HashSet<>();
            Path model = null;
            List<Path> dataFiles = new ArrayList<>();
            long budget = maxBytes;
            for (ZipEntry entry : entries) {
                String name = entry.getName().substring(folder.length());
                if (!PLAIN_NAME.matcher(name).matches()) {
                    throw invalid("its entry '" + entry.getName() + "' is not a plain file name (letters, digits,"
                            + " '.', '_', '-'; one enclosing folder at most)");
                }
                if (!names.add(name)) {
                    throw invalid("it holds '" + name + "' twice");
                }
                Path target = directory.resolve(name);
                budget -= extract(zip, entry, target, budget, maxBytes);
                if (name.endsWith(".onnx")) {
                    if (model != null) {
                        throw invalid("it holds more than one .onnx file");
                    }
                    model = target;
                } else {
                    dataFiles.add(target);
                }
            }
            if (model == null) {
                throw invalid("it holds no .onnx file");
            }
            return new Unpacked(model, dataFiles);
        } catch (ZipException e) {
            throw invalid("it cannot be read as a zip archive: " + e.getMessage());
        }
    }

    /** The folder every entry sits in ("" when they are not all in the same one). */
    private static String commonFolder(List<? extends ZipEntry> entries) {
        if (entries.isEmpty()) {
            return "";
        }
        String first = entries.getFirst().getName();
        int slash = first.indexOf('/');
        if (slash <= 0) {
            return "";
        }
        String folder = first.substring(0, slash + 1);
        return entries.stream().allMatch(e -> e.getName().startsWith(folder)) ? folder : "";
    }

    private static long extract(ZipFile zip, ZipEntry entry, Path target, long budget, long maxBytes)
            throws IOException {
        long written = 0;
        try (InputStream in = zip.getInputStream(entry); OutputStream out = Files.newOutputStream(target)) {
            byte[] buffer = new byte[1 << 16];
            int read;
            while ((read = in.read(buffer)) != -1) {
                written += read;
                if (written > budget) {
                    throw new ProblemException(ProblemType.UPLOAD_TOO_LARGE, "the archive unpacks to more than "
                            + maxBytes + " bytes");
                }
                out.write(buffer, 0, read);
            }
        } catch (EOFException e) {
            throw invalid("its entry '" + entry.getName() + "' is cut short");
        }
        return written;
    }

    private static ProblemException invalid(String reason) {
        return new ProblemException(ProblemType.INVALID_MODEL, "the zip upload is not a model archive: " + reason);
    }
}
