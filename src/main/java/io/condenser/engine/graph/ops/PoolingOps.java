package io.condenser.engine.graph.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.condenser.engine.graph.OnnxNode;
import io.condenser.engine.graph.OpKernel;
import io.condenser.engine.graph.OpRegistry;
import io.condenser.engine.graph.UnsupportedOpException;
import java.util.Arrays;

/**
 * MaxPool, AveragePool and GlobalAveragePool. Windows follow the ONNX spec: the output size is the floor (or with
 * {@code ceil_mode} the ceiling) of (input + pads − kernel) / stride + 1, and a window that would start in the end
 * padding is dropped. Padding PyTorch's pooling cannot express (asymmetric, more than half a kernel, or ceil_mode's
 * partial windows) is applied explicitly before pooling without padding.
 */
public final class PoolingOps {

    private PoolingOps() {
    }

    public static void register(OpRegistry registry) {
        registry.register("MaxPool", PoolingOps::maxPool);
        registry.register("AveragePool", PoolingOps::averagePool);
        registry.register("GlobalAveragePool", node -> (in, context) -> {
            NDArray x = in[0];
            int[] spatial = new int[x.getShape().dimension() - 2];
            Arrays.setAll(spatial, d -> d + 2);
            return new NDArray[] {HostValues.mean(x, spatial, true)};
        });
    }

    /** The window geometry of one node, resolved against an input's size. */
    private record Windows(long[] kernel, long[] strides, long[] pads, long[] extraEnd, boolean fitsNative) {

        Shape kernelShape() {
            return new Shape(kernel);
        }

        Shape strideShape() {
            return new Shape(strides);
        }
    }

    private static final class Geometry {
        private final long[] kernel;
        private final long[] strides;
        private final SpatialPadding padding;
        private final boolean ceilMode;

        Geometry(OnnxNode node) {
            long[] kernelShape = node.intsAttribute("kernel_shape", null);
            if (kernelShape == null) {
                throw new UnsupportedOpException("kernel_shape is required");
            }
            long[] dilations = node.intsAttribute("dilations", null);
            if (dilations != null && Arrays.stream(dilations).anyMatch(d -> d != 1)) {
                throw new UnsupportedOpException("dilations other than 1 are not supported");
            }
            kernel = kernelShape;
            strides = node.intsAttribute("strides", SpatialPadding.ones(kernel.length));
            padding = SpatialPadding.of(node);
            ceilMode = node.intAttribute("ceil_mode", 0) != 0;
        }

        Windows resolve(NDArray input) {
            long[] spatial = SpatialPadding.spatialSizes(input);
            int n = spatial.length;
            long[] pads = padding.resolve(spatial, kernel, strides, SpatialPadding.ones(n));
            long[] extraEnd = new long[n];
            boolean fitsNative = !ceilMode && SpatialPadding.symmetric(pads);
            for (int d = 0; d < n; d++) {
                long padded = spatial[d] + pads[d] + pads[n + d];
                long span = padded - kernel[d];
                long outputs = (ceilMode ? Math.ceilDiv(span, strides[d]) : Math.floorDiv(span, strides[d])) + 1;
                if (ceilMode && (outputs - 1) * strides[d] >= spatial[d] + pads[d]) {
                    outputs--;
                }
                extraEnd[d] = Math.max(0, (outputs - 1) * strides[d] + kernel[d] - padded);
                fitsNative &= pads[d] * 2 <= kernel[d];
            }
            return new Windows(kernel, strides, pads, extraEnd, fitsNative);
        }
    }

    private static OpKernel maxPool(OnnxNode node) {
        node.requireOnlyOutputs(1, "Indices");
        if (node.intAttribute("storage_order", 0) != 0) {
            throw new UnsupportedOpException("storage_order=1 is not supported");
        }
        Geometry geometry = new Geometry(node);
        return (in, context) -> {
            NDArray x = in[0];
            Windows windows = geometry.resolve(x);
            int n = windows.kernel().length;
            if (windows.fitsNative()) {
                return new NDArray[] {x.getNDArrayInternal().maxPool(windows.kernelShape(), windows.strideShape(),
                        SpatialPadding.begins(windows.pads()), false)};
            }
            NDArray padded = SpatialPadding.pad(x, windows.pads(), windows.extraEnd(), Double.NEGATIVE_INFINITY);
            return new NDArray[] {padded.getNDArrayInternal().maxPool(windows.kernelShape(), windows.strideShape(),
                    new Shape(new long[n]), false)};
        };
    }

    /**
     * Sums over each window divided by the number of elements counted: those inside the input, or with
     * {@code count_include_pad} also those in the explicit padding (never ceil_mode's extra cells).
     */
    private static OpKernel averagePool(OnnxNode node) {
        Geometry geometry = new Geometry(node);
        boolean countPadding = node.intAttribute("count_include_pad", 0) != 0;
        return (in, context) -> {
            NDArray x = in[0];
            Windows windows = geometry.resolve(x);
            int n = windows.kernel().length;
            Shape noPadding = new Shape(new long[n]);
            boolean padded = Arrays.stream(windows.pads()).anyMatch(p -> p != 0)
                    || Arrays.stream(windows.extraEnd()).anyMatch(p -> p != 0);
            if (windows.fitsNative() && !padded) {
                return new NDArray[] {x.getNDArrayInternal().avgPool(windows.kernelShape(), windows.strideShape(),
                        noPadding, false, true)};
            }
            long cells = Arrays.stream(windows.kernel()).reduce(1, Math::multiplyExact);
            NDArray sums = SpatialPadding.pad(x, windows.pads(), windows.extraEnd(), 0).getNDArrayInternal()
                    .avgPool(windows.kernelShape(), windows.strideShape(), noPadding, false, true).mul(cells);
            long[] maskShape = new long[n + 2];
            Arrays.fill(maskShape, 1);
            System.arraycopy(SpatialPadding.spatialSizes(x), 0, maskShape, 2, n);
            NDArray ones = context.manager().ones(new Shape(maskShape), x.getDataType());
            NDArray counted = countPadding
                    ? SpatialPadding.pad(SpatialPadding.pad(ones, windows.pads(), new long[n], 1),
                            new long[2 * n], windows.extraEnd(), 0)
                    : SpatialPadding.pad(ones, windows.pads(), windows.extraEnd(), 0);
            NDArray counts = counted.getNDArrayInternal().avgPool(windows.kernelShape(), windows.strideShape(),
                    noPadding, false, true).mul(cells);
            return new NDArray[] {sums.div(counts)};
        };
    }
}
