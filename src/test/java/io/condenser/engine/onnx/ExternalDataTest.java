package io.condenser.engine.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.condenser.engine.TaskMonitor;
import io.condenser.engine.eval.EvaluationSettings;
import io.condenser.engine.eval.FidelityReport;
import io.condenser.engine.eval.ModelComparison;
import io.condenser.engine.eval.RuntimeSettings;
import io.condenser.engine.quantize.DynamicQuantizationOptions;
import io.condenser.engine.quantize.DynamicQuantizer;
import io.condenser.testing.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Models whose tensors live in side files: read after checking every location, run, rewritten, written back. */
class ExternalDataTest {

    @TempDir
    Path dir;

    @Test
    void aModelWithExternalDataReadsRunsQuantizesAndWritesBackInlineOrExternal() throws IOException {
        ModelProto original = TestModels.mlp(128, 64, 10, 3);
        Path inline = TestModels.write(original, dir.resolve("inline.onnx"));
        Path model = Files.createDirectories(dir.resolve("external")).resolve("model.onnx");
        assertThat(OnnxModelFiles.writeWithExternalData(original, model))
                .containsExactly(model, model.resolveSibling("model.onnx.data"));
        ModelProto onDisk = ModelProto.parseFrom(Files.readAllBytes(model));
        assertThat(onDisk.getGraph().getInitializerList()).as("weights out, small biases in")
                .filteredOn(OnnxTensors::isExternal).hasSize(2)
                .allSatisfy(t -> assertThat(location(t)).isEqualTo("model.onnx.data"));
        assertThat(Files.size(model)).isLessThan(2_000);

        ModelProto read = OnnxModelFiles.read(model);
        ModelValidator.validate(read);
        assertThat(OnnxTensors.floats(initializer(read, "fc1.weight")))
                .isEqualTo(OnnxTensors.floats(initializer(original, "fc1.weight")));
        assertThat(compare(inline, model).maxAbsDiff()).as("ONNX Runtime reads the side file").isZero();

        ModelProto quantized = new DynamicQuantizer().quantize(read, DynamicQuantizationOptions.defaults(),
                TaskMonitor.NONE).model();
        Path small = dir.resolve("quantized.onnx");
        assertThat(OnnxModelFiles.write(quantized, small)).as("small enough for one file").containsExactly(small);
        assertThat(compare(inline, small).cosineMin()).isGreaterThan(0.99);

        Path rewritten = model.resolveSibling("model.onnx");
        OnnxModelFiles.writeWithExternalData(read, rewritten);
        assertThat(compare(inline, rewritten).maxAbsDiff()).as("rewritten in place from its own side file").isZero();
    }

    @Test
    void locationsOutsideTheModelsDirectoryAreRefusedBeforeAnythingIsRead() throws IOException {
        Path models = Files.createDirectories(dir.resolve("models"));
        Path secret = Files.write(dir.resolve("secret.bin"), new byte[128 * 64 * 4]);
        Files.write(models.resolve("weights.bin"), new byte[64]);
        Files.createSymbolicLink(models.resolve("link.bin"), secret);

        assertRefused(models, "../secret.bin", 0, "not a file inside");
        assertRefused(models, secret.toString(), 0, "not a file inside");
        assertRefused(models, "link.bin", 0, "leads out");
        assertRefused(models, "missing.bin", 0, "missing");
        assertRefused(models, "weights.bin", 0, "has 64");
        assertRefused(models, "weights.bin", -8, "has 64");
        assertRefused(models, ".", 0, "not a file inside");
        assertRefused(models, "", 0, "without a location");
    }

    @Test
    void externalDataOutsideTheMainInitializersAndSharedBytesAreRefused() throws IOException {
        Path models = Files.createDirectories(dir.resolve("elsewhere"));
        Files.write(models.resolve("w.bin"), new byte[1 << 20]);
        TensorProto external = TensorProto.newBuilder().setName("c").setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(4).setDataLocation(TensorProto.DataLocation.EXTERNAL).addExternalData(entry("location",
                        "w.bin")).build();
        ModelProto constant = OnnxGraphBuilder.create("constant", 17)
                .node("Constant", List.of(), List.of("y"), AttributeProto.newBuilder().setName("value")
                        .setType(AttributeProto.AttributeType.TENSOR).setT(external).build())
                .output("y", TensorProto.DataType.FLOAT, 4).build();
        Path constantFile = Files.write(models.resolve("constant.onnx"), constant.toByteArray());
        assertThatThrownBy(() -> OnnxModelFiles.read(constantFile)).isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("tensor attribute with external data");
        assertThatThrownBy(() -> OnnxModelFiles.readSelfContained(constantFile))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("upload it as a zip");

        ModelProto twice = withExternalWeight(TestModels.mlp(128, 64, 10, 1), "w.bin", 0, -1);
        GraphProto.Builder graph = twice.getGraph().toBuilder();
        TensorProto first = graph.getInitializerList().stream().filter(t -> t.getName().equals("fc1.weight"))
                .findFirst().orElseThrow();
        graph.addInitializer(first.toBuilder().setName("fc1.copy").clearExternalData()
                .addExternalData(entry("location", "w.bin")).addExternalData(entry("offset", "4096")));
        Path overlapping = Files.write(models.resolve("overlap.onnx"), twice.toBuilder().setGraph(graph).build()
                .toByteArray());
        assertThatThrownBy(() -> OnnxModelFiles.read(overlapping)).isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("another tensor reads too");
    }

    @Test
    void unusableLocationsAndOverflowingShapesAreInvalidNotErrors() throws IOException {
        Path models = Files.createDirectories(dir.resolve("odd"));
        Files.write(models.resolve("plain.bin"), new byte[64]);
        assertRefused(models, "a".repeat(300), 0, "cannot be a data file");
        assertRefused(models, "plain.bin/x", 0, "cannot be a data file");
        ModelProto huge = withExternalWeight(TestModels.mlp(128, 64, 10, 1), "plain.bin", 0, -1);
        GraphProto.Builder graph = huge.getGraph().toBuilder();
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            if (graph.getInitializer(i).getName().equals("fc1.weight")) {
                graph.setInitializer(i, graph.getInitializer(i).toBuilder().clearDims().addDims(1L << 32)
                        .addDims(1L << 32));
            }
        }
        Path file = Files.write(models.resolve("huge.onnx"), huge.toBuilder().setGraph(graph).build().toByteArray());
        assertThatThrownBy(() -> OnnxModelFiles.read(file)).isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("overflows");
    }

    @Test
    void aDeclaredLengthThatDoesNotFitTheShapeIsRefused() throws IOException {
        Path models = Files.createDirectories(dir.resolve("lengths"));
        Files.write(models.resolve("w.bin"), new byte[1 << 20]);
        ModelProto model = withExternalWeight(TestModels.mlp(128, 64, 10, 1), "w.bin", 0, 16);
        Path file = models.resolve("m.onnx");
        Files.write(file, model.toByteArray());
        assertThatThrownBy(() -> OnnxModelFiles.read(file)).isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("declares 16 bytes");
    }

    private void assertRefused(Path models, String location, long offset, String message) throws IOException {
        Path file = models.resolve("m.onnx");
        Files.write(file, withExternalWeight(TestModels.mlp(128, 64, 10, 1), location, offset, -1).toByteArray());
        assertThatThrownBy(() -> OnnxModelFiles.read(file)).as(location)
                .isInstanceOf(InvalidModelException.class).hasMessageContaining(message);
    }

    /** The MLP with fc1.weight moved to {@code location} (its raw data dropped); length -1 leaves it undeclared. */
    private static ModelProto withExternalWeight(ModelProto model, String location, long offset, long length) {
        GraphProto.Builder graph = model.getGraph().toBuilder();
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            TensorProto tensor = graph.getInitializer(i);
            if (tensor.getName().equals("fc1.weight")) {
                TensorProto.Builder external = tensor.toBuilder().clearRawData().clearFloatData()
                        .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                        .addExternalData(entry("location", location))
                        .addExternalData(entry("offset", Long.toString(offset)));
                if (length >= 0) {
                    external.addExternalData(entry("length", Long.toString(length)));
                }
                graph.setInitializer(i, external);
            }
        }
        return model.toBuilder().setGraph(graph).build();
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    private static String location(TensorProto tensor) {
        return tensor.getExternalDataList().stream().filter(e -> e.getKey().equals("location")).findFirst()
                .orElseThrow().getValue();
    }

    private static TensorProto initializer(ModelProto model, String name) {
        return model.getGraph().getInitializerList().stream().filter(t -> t.getName().equals(name)).findFirst()
                .orElseThrow();
    }

    private static FidelityReport compare(Path reference, Path candidate) throws IOException {
        return new ModelComparison(RuntimeSettings.cpu(1)).compare(reference, candidate,
                new EvaluationSettings(16, 8, 1, 0, Map.of(), 2), TaskMonitor.NONE).fidelity();
    }
}
