package io.condenser.testing;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.condenser.engine.graph.OnnxGraphBlock;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A CPU manager of the PyTorch engine (started with Condenser's DJL settings) for a test class: registered on a static
 * field it lives for the class, on an instance field for each test; its native memory is freed afterwards.
 */
public final class PyTorchManager implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {

    private NDManager manager;
    private boolean perClass;

    public NDManager get() {
        return manager;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        perClass = true;
        open();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        manager.close();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!perClass) {
            open();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) {
            manager.close();
        }
    }

    private void open() {
        manager = OnnxGraphBlock.engine().newBaseManager(Device.cpu());
    }
}
