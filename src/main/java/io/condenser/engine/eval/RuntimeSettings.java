package io.condenser.engine.eval;

/**
 * How ONNX Runtime sessions are created.
 *
 * @param device           where the model runs
 * @param intraOpThreads   threads inside one operator; set deliberately: on 2 shared cores the runtime's default
 *                         made inference 20-60x slower (FACTS.md)
 */
public record RuntimeSettings(ExecutionDevice device, int intraOpThreads) {

    public RuntimeSettings {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intraOpThreads must be at least 1");
        }
    }

    public static RuntimeSettings cpu(int intraOpThreads) {
        return new RuntimeSettings(ExecutionDevice.CPU, intraOpThreads);
    }
}
