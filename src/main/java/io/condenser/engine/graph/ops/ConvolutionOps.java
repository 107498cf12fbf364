package io.condenser.engine.graph.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.condenser.engine.graph.OnnxNode;
import io.condenser.engine.graph.OpKernel;
import io.condenser.engine.graph.OpRegistry;

/** Conv (1-D to 3-D, groups, strides, dilations, explicit or automatic padding, asymmetric padding). */
public final class ConvolutionOps {

    private ConvolutionOps() {
    }

    public static void register(OpRegistry registry) {
        registry.register("Conv", ConvolutionOps::conv);
    }

    private static OpKernel conv(OnnxNode node) {
        SpatialPadding padding = SpatialPadding.of(node);
        long[] kernelAttribute = node.intsAttribute("kernel_shape", null);
        long[] stridesAttribute = node.intsAttribute("strides", null);
        long[] dilationsAttribute = node.intsAttribute("dilations", null);
        int groups = Math.toIntExact(node.intAttribute("group", 1));
        return (in, context) -> {
            NDArray x = in[0];
            NDArray weight = in[1];
            NDArray bias = in.length > 2 ? in[2] : null;
            long[] spatial = SpatialPadding.spatialSizes(x);
            int n = spatial.length;
            long[] kernel = kernelAttribute != null ? kernelAttribute
                    : weight.getShape().slice(2).getShape();
            long[] strides = stridesAttribute != null ? stridesAttribute : SpatialPadding.ones(n);
            long[] dilations = dilationsAttribute != null ? dilationsAttribute : SpatialPadding.ones(n);
            long[] pads = padding.resolve(spatial, kernel, strides, dilations);
            Shape zero = new Shape(new long[n]);
            if (!SpatialPadding.symmetric(pads)) {
                x = SpatialPadding.pad(x, pads, new long[n], 0);
            }
            Shape symmetricPads = SpatialPadding.symmetric(pads) ? SpatialPadding.begins(pads) : zero;
            return new NDArray[] {x.getNDArrayInternal().convolution(x, weight, bias, new Shape(strides),
                    symmetricPads, new Shape(dilations), groups).singletonOrThrow()};
        };
    }
}
