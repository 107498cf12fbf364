package io.condenser.engine.eval;

/**
 * Process-wide DJL settings that must be in place before DJL's engines start: no downloads, no telemetry call to a
 * cloud metadata address, and deliberate PyTorch thread counts (FACTS.md: on 2 shared cores the defaults made training
 * 8x slower). Values given on the command line win.
 *
 * <p>The TorchScript graph executor's optimizer is off: once a module has run with gradients, the optimizer's
 * differentiable graphs make the next inference-mode forward fail ("Inference tensors cannot be saved for backward";
 * measured with a hand-written TorchScript MLP validated after a training epoch). It only speeds up repeated inference,
 * which Condenser runs on ONNX Runtime.
 */
public final class DjlSettings {

    private DjlSettings() {
    }

    public static synchronized void apply() {
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("OPT_OUT_TRACKING", "true");
        setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
        setIfAbsent("ai.djl.pytorch.graph_optimizer", "false");
        setIfAbsent("ai.djl.pytorch.num_threads",
                Integer.toString(Math.max(1, Runtime.getRuntime().availableProcessors() - 1)));
    }

    /**
     * Threads of PyTorch's intra-op pool, for a worker that runs several jobs at once on its cores; must come before
     * the engine starts (libtorch reads it once, for the whole process). A value on the command line wins.
     */
    public static synchronized void pyTorchThreads(int threads) {
        setIfAbsent("ai.djl.pytorch.num_threads", Integer.toString(threads));
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
