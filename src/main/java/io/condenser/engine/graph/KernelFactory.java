package io.condenser.engine.graph;

/** Compiles a node of one operator type into a kernel, or refuses it with the reason. */
@FunctionalInterface
public interface KernelFactory {

    /** @throws UnsupportedOpException when an attribute value or a used output is not supported */
    OpKernel create(OnnxNode node);
}
