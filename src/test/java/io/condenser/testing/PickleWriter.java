package io.condenser.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes the few opcodes of Python's pickle protocol 2 that a TorchScript archive's {@code data.pkl} uses, in the order
 * the caller gives them: the caller builds the stack machine's program, this class only encodes it.
 */
final class PickleWriter {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    PickleWriter() {
        out.write(0x80);
        out.write(2);
    }

    PickleWriter global(String module, String name) {
        out.write('c');
        out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
        return this;
    }

    PickleWriter string(String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.write('X');
        out.writeBytes(littleEndianInt(utf8.length));
        out.writeBytes(utf8);
        return this;
    }

    PickleWriter integer(int value) {
        out.write('J');
        out.writeBytes(littleEndianInt(value));
        return this;
    }

    PickleWriter bool(boolean value) {
        out.write(value ? 0x88 : 0x89);
        return this;
    }

    PickleWriter mark() {
        out.write('(');
        return this;
    }

    /** The items since the last mark become a tuple. */
    PickleWriter tuple() {
        out.write('t');
        return this;
    }

    PickleWriter emptyTuple() {
        out.write(')');
        return this;
    }

    PickleWriter emptyDict() {
        out.write('}');
        return this;
    }

    /** Key/value pairs since the last mark go into the dict below the mark. */
    PickleWriter setItems() {
        out.write('u');
        return this;
    }

    /** cls, args → cls.__new__(cls, *args). */
    PickleWriter newObject() {
        out.write(0x81);
        return this;
    }

    /** obj, state → obj with its state set. */
    PickleWriter build() {
        out.write('b');
        return this;
    }

    /** callable, args → callable(*args). */
    PickleWriter reduce() {
        out.write('R');
        return this;
    }

    /** The object on the stack is a persistent id, resolved by the loader (TorchScript: a tensor storage). */
    PickleWriter persistentId() {
        out.write('Q');
        return this;
    }

    byte[] finish() {
        out.write('.');
        return out.toByteArray();
    }

    private static byte[] littleEndianInt(int value) {
        return ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
    }
}
