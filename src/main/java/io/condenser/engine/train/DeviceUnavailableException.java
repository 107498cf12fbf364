package io.condenser.engine.train;

/** Training was asked to run on a device this process's engine does not have. */
public class DeviceUnavailableException extends RuntimeException {

    public DeviceUnavailableException(String message) {
        super(message);
    }
}
