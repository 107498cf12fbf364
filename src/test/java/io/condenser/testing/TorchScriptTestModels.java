package io.condenser.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * TorchScript archives written by hand, as {@code torch.jit.save} lays them out, so that tests need no PyTorch: a zip
 * whose entries sit under one folder named after the archive, holding {@code version}, {@code byteorder},
 * {@code code/__torch__.py} (the TorchScript source of the module classes), {@code data.pkl} (the module objects,
 * pickled with protocol 2, whose tensors point at storages through persistent ids and are rebuilt by
 * {@code torch._utils._rebuild_tensor_v2}), {@code constants.pkl} and one raw little-endian file per storage under
 * {@code data/}. Entries are stored uncompressed, as PyTorch stores them.
 */
public final class TorchScriptTestModels {

    /**
     * The module classes: {@code __torch__.Linear} as {@code torch.nn.Linear} is scripted, and {@code __torch__.Mlp},
     * Linear-ReLU-Linear. The parameters are named as PyTorch names them: {@code fc1.weight}, {@code fc1.bias}, ….
     */
    private static final String MLP_SOURCE = """
            class Linear(Module):
              __parameters__ = ["weight", "bias", ]
              __buffers__ = []
              weight : Tensor
              bias : Tensor
              training : bool
              def forward(self: __torch__.Linear,
                input: Tensor) -> Tensor:
                return torch.linear(input, self.weight, self.bias)
            class Mlp(Module):
              __parameters__ = []
              __buffers__ = []
              training : bool
              fc1 : __torch__.Linear
              fc2 : __torch__.Linear
              def forward(self: __torch__.Mlp,
                input: Tensor) -> Tensor:
                hidden = torch.relu((self.fc1).forward(input, ))
                return (self.fc2).forward(hidden, )
            """;

    private TorchScriptTestModels() {
    }

    /** A float32 tensor of a module, row-major. */
    public record FloatTensor(long[] shape, float[] values) {
    }

    /** The weights of {@link #mlp}: weights in PyTorch's [out, in] layout. */
    public record MlpWeights(FloatTensor fc1Weight, FloatTensor fc1Bias, FloatTensor fc2Weight, FloatTensor fc2Bias) {

        /** Gaussian weights with PyTorch's default scale (1/sqrt(fan in)) and zero biases. */
        public static MlpWeights random(int inputs, int hidden, int classes, long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            return new MlpWeights(
                    new FloatTensor(new long[] {hidden, inputs}, gaussian(random, hidden * inputs, inputs)),
                    new FloatTensor(new long[] {hidden}, new float[hidden]),
                    new FloatTensor(new long[] {classes, hidden}, gaussian(random, classes * hidden, hidden)),
                    new FloatTensor(new long[] {classes}, new float[classes]));
        }

        private static float[] gaussian(SplittableRandom random, int count, int fanIn) {
            float[] values = new float[count];
            double std = 1 / Math.sqrt(fanIn);
            for (int i = 0; i < count; i++) {
                values[i] = (float) (random.nextGaussian() * std);
            }
            return values;
        }
    }

    /** A TorchScript Linear-ReLU-Linear classifier with input [N, inputs] and output logits [N, classes]. */
    public static byte[] mlp(String archiveName, MlpWeights weights) {
        List<FloatTensor> storages = new ArrayList<>();
        PickleWriter pickle = new PickleWriter();
        pickle.global("__torch__", "Mlp").emptyTuple().newObject().emptyDict().mark()
                .string("training").bool(false);
        linear(pickle, "fc1", weights.fc1Weight(), weights.fc1Bias(), storages);
        linear(pickle, "fc2", weights.fc2Weight(), weights.fc2Bias(), storages);
        pickle.setItems().build();

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            store(zip, archiveName + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
            store(zip, archiveName + "/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
            store(zip, archiveName + "/code/__torch__.py", MLP_SOURCE.getBytes(StandardCharsets.UTF_8));
            store(zip, archiveName + "/data.pkl", pickle.finish());
            store(zip, archiveName + "/constants.pkl", new PickleWriter().emptyTuple().finish());
            for (int key = 0; key < storages.size(); key++) {
                store(zip, archiveName + "/data/" + key, littleEndian(storages.get(key).values()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Pushes the dict item {@code name: Linear(weight, bias)}. */
    private static void linear(PickleWriter pickle, String name, FloatTensor weight, FloatTensor bias,
                               List<FloatTensor> storages) {
        pickle.string(name).global("__torch__", "Linear").emptyTuple().newObject().emptyDict().mark()
                .string("weight");
        tensor(pickle, weight, storages);
        pickle.string("bias");
        tensor(pickle, bias, storages);
        pickle.string("training").bool(false).setItems().build();
    }

    /** {@code _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, backward_hooks)}; a new storage each. */
    private static void tensor(PickleWriter pickle, FloatTensor tensor, List<FloatTensor> storages) {
        String key = Integer.toString(storages.size());
        storages.add(tensor);
        long[] shape = tensor.shape();
        pickle.global("torch._utils", "_rebuild_tensor_v2").mark()
                .mark().string("storage").global("torch", "FloatStorage").string(key).string("cpu")
                .integer(tensor.values().length).tuple().persistentId()
                .integer(0);
        pickle.mark();
        for (long dimension : shape) {
            pickle.integer(Math.toIntExact(dimension));
        }
        pickle.tuple().mark();
        long stride = 1;
        long[] strides = new long[shape.length];
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = stride;
            stride *= shape[i];
        }
        for (long s : strides) {
            pickle.integer(Math.toIntExact(s));
        }
        pickle.tuple().bool(true).global("collections", "OrderedDict").emptyTuple().reduce().tuple().reduce();
    }

    private static void store(ZipOutputStream zip, String name, byte[] content) throws IOException {
        CRC32 crc = new CRC32();
        crc.update(content);
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(content.length);
        entry.setCompressedSize(content.length);
        entry.setCrc(crc.getValue());
        zip.putNextEntry(entry);
        zip.write(content);
        zip.closeEntry();
    }

    private static byte[] littleEndian(float[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        return buffer.array();
    }
}
