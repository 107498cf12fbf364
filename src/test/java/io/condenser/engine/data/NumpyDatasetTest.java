package io.condenser.engine.data;

import static io.condenser.testing.TestDatasets.floats;
import static io.condenser.testing.TestDatasets.npy;
import static io.condenser.testing.TestDatasets.npz;
import static io.condenser.testing.TestDatasets.xArray;
import static io.condenser.testing.TestDatasets.yArray;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import io.condenser.engine.TaskMonitor;
import io.condenser.testing.TestDatasets;
import io.condenser.testing.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NumpyDatasetTest {

    private static final long NO_LIMIT = Long.MAX_VALUE;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void readsSamplesAndLabelsOfAnArchiveInBatches(boolean compressed) throws IOException {
        float[] x = new float[7 * 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = i * 0.5f - 3;
        }
        long[] y = {0, 1, 2, 1, 0, 2, 2};
        Path file = write(TestDatasets.labelled(x, 3, y, compressed));

        try (NumpyDataset dataset = NumpyDataset.open(file, NO_LIMIT)) {
            assertThat(dataset.format()).isEqualTo(NumpyDataset.Format.NPZ);
            assertThat(dataset.sampleCount()).isEqualTo(7);
            assertThat(dataset.sampleShape()).containsExactly(3);
            assertThat(dataset.labelled()).isTrue();

            float[] readX = new float[x.length];
            long[] readY = new long[y.length];
            try (SampleReader reader = dataset.reader()) {
                float[] batchX = new float[3 * 3];
                long[] batchY = new long[3];
                int offset = 0;
                int count;
                while ((count = reader.read(batchX, batchY, 3)) > 0) {
                    System.arraycopy(batchX, 0, readX, offset * 3, count * 3);
                    System.arraycopy(batchY, 0, readY, offset, count);
                    offset += count;
                }
                assertThat(offset).isEqualTo(7);
            }
            assertThat(readX).containsExactly(x);
            assertThat(readY).containsExactly(y);

            DatasetInspection inspection = DatasetInspector.inspect(dataset, TaskMonitor.NONE);
            assertThat(inspection.labelCounts()).containsExactlyEntriesOf(new TreeMap<>(Map.of(
                    0L, 2L, 1L, 2L, 2L, 3L)));
            assertThat(inspection.minimum()).isEqualTo(-3.0);
            assertThat(inspection.maximum()).isEqualTo(7.0);
            assertThat(inspection.mean()).isCloseTo(Arrays.stream(toDoubles(x)).average().orElseThrow(),
                    offset(1e-9));
        }
    }

    @Test
    void aLoneNpyIsAnUnlabelledDatasetOfImages() throws IOException {
        Path file = write(xArray(new float[2 * 1 * 2 * 2], 2, 1, 2, 2));
        try (NumpyDataset dataset = NumpyDataset.open(file, NO_LIMIT)) {
            assertThat(dataset.format()).isEqualTo(NumpyDataset.Format.NPY);
            assertThat(dataset.labelled()).isFalse();
            assertThat(dataset.sampleShape()).containsExactly(1, 2, 2);
            assertThat(dataset.sampleElements()).isEqualTo(4);
            assertThat(DatasetInspector.inspect(dataset, TaskMonitor.NONE).labelCounts()).isEmpty();
        }
    }

    @Test
    void refusesWhatIsNotNumpy() throws IOException {
        assertThatThrownBy(() -> NumpyDataset.open(write("a,b\n1,2\n".getBytes()), NO_LIMIT))
                .isInstanceOf(UnrecognizedDatasetFormatException.class);
        assertThatThrownBy(() -> NumpyDataset.open(write(new byte[0]), NO_LIMIT))
                .isInstanceOf(UnrecognizedDatasetFormatException.class);
        assertThatThrownBy(() -> NumpyDataset.open(write(new byte[] {'P', 'K', 3, 4, 1, 2}), NO_LIMIT))
                .isInstanceOf(InvalidDatasetException.class).hasMessageContaining("zip");
    }

    @Test
    void refusesWrongTypesShapesAndOrders() throws IOException {
        assertRefused(npz(Map.of("x", npy("<f8", new long[] {2, 2}, new byte[32])), false), "float32");
        assertRefused(npz(Map.of("x", npy("|u1", new long[] {2, 2}, new byte[4])), false), "float32");
        assertRefused(npz(Map.of("x", xArray(new float[4], 4)), false), "[N, …]");
        assertRefused(npz(Map.of("x", npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }",
                floats(1, 2, 3, 4))), false), "Fortran");
        assertRefused(npz(Map.of("x", npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }",
                new byte[8])), false), "structured");
        assertRefused(npz(entries(xArray(new float[4], 2, 2), npy("<i4", new long[] {2}, new byte[8])), false),
                "int64");
        assertRefused(npz(entries(xArray(new float[4], 2, 2), yArray(0, 1, 1)), false), "[2]");
        assertRefused(npz(Map.of("y", yArray(0, 1)), false), "holds y.npy");
        Map<String, byte[]> extra = entries(xArray(new float[4], 2, 2), yArray(0, 1));
        extra.put("../evil", new byte[1]);
        assertRefused(npz(extra, false), "declares 3 entries");
        extra.remove("y");
        assertRefused(npz(extra, false), "../evil.npy");
    }

    @Test
    void refusesTruncatedOrOverlongDataAndDeclaredSizesOverTheLimit() throws IOException {
        byte[] x = xArray(new float[6], 3, 2);
        assertRefused(Arrays.copyOf(x, x.length - 4), "truncated");
        byte[] longer = Arrays.copyOf(x, x.length + 8);
        assertRefused(longer, "trailing");
        assertRefused(npz(Map.of("x", Arrays.copyOf(x, x.length - 4)), true), "truncated");

        byte[] bomb = npz(Map.of("x", npy("<f4", new long[] {1_000_000, 1000}, new byte[0])), true);
        assertThatThrownBy(() -> NumpyDataset.open(write(bomb), 1L << 30))
                .isInstanceOf(InvalidDatasetException.class).hasMessageContaining("at most");
        byte[] hugeSample = npz(Map.of("x", npy("<f4", new long[] {1, 268_435_455}, new byte[0])), true);
        assertThatThrownBy(() -> NumpyDataset.open(write(hugeSample), NO_LIMIT))
                .isInstanceOf(InvalidDatasetException.class).hasMessageContaining("values");
        assertRefused(TestDatasets.npzWithTruncatedDeflate(xArray(TestModels.gaussian(new SplittableRandom(1), 4096, 1),
                64, 64)), "corrupt");
        byte[] overflow = npz(Map.of("x", npy("<f4", new long[] {Long.MAX_VALUE / 2, 4}, new byte[0])), true);
        assertThatThrownBy(() -> NumpyDataset.open(write(overflow), NO_LIMIT))
                .isInstanceOf(InvalidDatasetException.class).hasMessageContaining("too large");
    }

    @Test
    void inspectionRefusesNonFiniteSamplesAndNegativeLabels() throws IOException {
        Path nan = write(TestDatasets.labelled(new float[] {1, Float.NaN, 0, 0}, 2, new long[] {0, 1}, false));
        try (NumpyDataset dataset = NumpyDataset.open(nan, NO_LIMIT)) {
            assertThatThrownBy(() -> DatasetInspector.inspect(dataset, TaskMonitor.NONE))
                    .isInstanceOf(InvalidDatasetException.class).hasMessageContaining("NaN in sample 0");
        }
        Path negative = write(TestDatasets.labelled(new float[4], 2, new long[] {0, -1}, true));
        try (NumpyDataset dataset = NumpyDataset.open(negative, NO_LIMIT)) {
            assertThatThrownBy(() -> DatasetInspector.inspect(dataset, TaskMonitor.NONE))
                    .isInstanceOf(InvalidDatasetException.class).hasMessageContaining("-1");
        }
    }

    private void assertRefused(byte[] content, String messagePart) throws IOException {
        Path file = write(content);
        assertThatThrownBy(() -> {
            try (NumpyDataset dataset = NumpyDataset.open(file, NO_LIMIT)) {
                DatasetInspector.inspect(dataset, TaskMonitor.NONE);
            }
        }).isInstanceOf(InvalidDatasetException.class).hasMessageContaining(messagePart);
    }

    private static Map<String, byte[]> entries(byte[] x, byte[] y) {
        Map<String, byte[]> arrays = new LinkedHashMap<>();
        arrays.put("x", x);
        arrays.put("y", y);
        return arrays;
    }

    private Path write(byte[] content) throws IOException {
        return Files.write(Files.createTempFile(dir, "data", ".bin"), content);
    }

    private static double[] toDoubles(float[] values) {
        double[] result = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = values[i];
        }
        return result;
    }
}
