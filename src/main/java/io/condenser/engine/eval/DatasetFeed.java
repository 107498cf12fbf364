package io.condenser.engine.eval;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.condenser.engine.UnsupportedModelException;
import io.condenser.engine.data.NumpyDataset;
import io.condenser.engine.data.SampleReader;
import io.condenser.engine.onnx.ModelInspector;
import io.condenser.engine.onnx.TensorSignature;
import io.condenser.engine.onnx.TensorSignature.Dimension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.OptionalLong;

/**
 * Feeds a dataset's samples to a model with one float input. A sample is reshaped to the input's per-sample shape when
 * the element counts agree (MNIST's [784] rows feed a [1, 28, 28] input); symbolic dimensions take the dataset's sizes.
 * A model with a fixed batch size gets whole batches, the last one padded with zeros and marked as partly valid.
 */
public final class DatasetFeed {

    private final NumpyDataset dataset;
    private final String inputName;
    private final long[] sampleShape;
    private final OptionalLong fixedBatchSize;

    private DatasetFeed(NumpyDataset dataset, String inputName, long[] sampleShape, OptionalLong fixedBatchSize) {
        this.dataset = dataset;
        this.inputName = inputName;
        this.sampleShape = sampleShape;
        this.fixedBatchSize = fixedBatchSize;
    }

    /** @throws UnsupportedModelException when the dataset's samples cannot be the model's input */
    public static DatasetFeed of(ModelProto model, NumpyDataset dataset) {
        List<TensorSignature> inputs = ModelInspector.inspect(model).inputs();
        if (inputs.size() != 1) {
            throw new UnsupportedModelException("the model has " + inputs.size() + " inputs; a dataset's x feeds"
                    + " models with exactly one input");
        }
        TensorSignature input = inputs.getFirst();
        if (input.elementType() != DataType.FLOAT_VALUE) {
            throw new UnsupportedModelException("input '" + input.name() + "' is " + input.elementTypeName()
                    + "; a dataset's x (float32) feeds FLOAT inputs");
        }
        List<Dimension> dims = input.shape();
        if (dims.isEmpty()) {
            throw new UnsupportedModelException("input '" + input.name() + "' has no declared shape with a batch"
                    + " dimension");
        }
        long[] sampleShape = sampleShape(input, dims.subList(1, dims.size()), dataset.sampleShape());
        OptionalLong fixedBatch = dims.getFirst().isFixed() ? OptionalLong.of(dims.getFirst().size())
                : OptionalLong.empty();
        return new DatasetFeed(dataset, input.name(), sampleShape, fixedBatch);
    }

    /**
     * Feeds a model that declares no inputs (a TorchScript module): one input of the dataset's own sample shape, with
     * a dynamic batch dimension.
     */
    public static DatasetFeed unshaped(NumpyDataset dataset) {
        return new DatasetFeed(dataset, "input", dataset.sampleShape(), OptionalLong.empty());
    }

    private static long[] sampleShape(TensorSignature input, List<Dimension> modelDims, long[] dataShape) {
        long dataElements = Arrays.stream(dataShape).reduce(1, Math::multiplyExact);
        if (modelDims.stream().allMatch(Dimension::isFixed)) {
            long[] shape = modelDims.stream().mapToLong(Dimension::size).toArray();
            if (Arrays.stream(shape).reduce(1, Math::multiplyExact) != dataElements) {
                throw mismatch(input, dataShape);
            }
            return shape;
        }
        if (modelDims.size() != dataShape.length) {
            throw mismatch(input, dataShape);
        }
        for (int i = 0; i < dataShape.length; i++) {
            if (modelDims.get(i).isFixed() && modelDims.get(i).size() != dataShape[i]) {
                throw mismatch(input, dataShape);
            }
        }
        return dataShape.clone();
    }

    private static UnsupportedModelException mismatch(TensorSignature input, long[] dataShape) {
        return new UnsupportedModelException("the dataset's samples have the shape " + Arrays.toString(dataShape)
                + ", which does not fit input '" + input.name() + "' " + input.shape());
    }

    /** The shape one sample is fed to the model with, without the batch dimension. */
    public long[] sampleShape() {
        return sampleShape.clone();
    }

    public OptionalLong fixedBatchSize() {
        return fixedBatchSize;
    }

    /** How many values one batch of {@code batchSize} samples (or of the model's fixed batch size) holds. */
    public long batchElements(int batchSize) {
        return fixedBatchSize.orElse(batchSize) * dataset.sampleElements();
    }

    public long sampleCount() {
        return dataset.sampleCount();
    }

    public boolean labelled() {
        return dataset.labelled();
    }

    /**
     * The first {@code limit} samples in batches of {@code batchSize} (or the model's fixed batch size). The iterator
     * must be closed; it reads the file as it goes.
     */
    public Batches batches(int batchSize, long limit) throws IOException {
        int size = (int) fixedBatchSize.orElse(batchSize);
        return new Batches(dataset.reader(), size, Math.min(limit, dataset.sampleCount()));
    }

    /** The first {@code limit} samples' inputs, re-read on every iteration: calibration may pass over them twice. */
    public Iterable<List<HostTensor>> inputs(int batchSize, long limit) {
        return () -> {
            try {
                Batches batches = batches(batchSize, limit);
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        boolean more = batches.hasNext();
                        if (!more) {
                            batches.close();
                        }
                        return more;
                    }

                    @Override
                    public List<HostTensor> next() {
                        return batches.next().inputs();
                    }
                };
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    /**
     * One batch for the model.
     *
     * @param validSamples how many leading samples are real; the rest pad a fixed batch size
     * @param labels       the labels of the valid samples, when the dataset has labels
     */
    public record Batch(List<HostTensor> inputs, int validSamples, long[] labels) {
    }

    /** Batches read from the dataset in order. */
    public final class Batches implements Iterator<Batch>, AutoCloseable {

        private final SampleReader reader;
        private final int batchSize;
        private long left;

        private Batches(SampleReader reader, int batchSize, long limit) {
            this.reader = reader;
            this.batchSize = batchSize;
            this.left = limit;
        }

        @Override
        public boolean hasNext() {
            return left > 0;
        }

        @Override
        public Batch next() {
            if (left <= 0) {
                throw new NoSuchElementException();
            }
            int wanted = (int) Math.min(batchSize, left);
            int rows = fixedBatchSize.isPresent() ? batchSize : wanted;
            float[] x = new float[Math.multiplyExact(rows, reader.sampleElements())];
            long[] y = new long[wanted];
            try {
                int read = reader.read(x, y, wanted);
                if (read != wanted) {
                    throw new IllegalStateException("read " + read + " of " + wanted + " samples");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            left -= wanted;
            long[] shape = new long[sampleShape.length + 1];
            shape[0] = rows;
            System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
            HostTensor input = new HostTensor(inputName, HostTensor.ElementType.FLOAT32, shape, x);
            return new Batch(List.of(input), wanted, dataset.labelled() ? y : null);
        }

        @Override
        public void close() {
            try {
                reader.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
