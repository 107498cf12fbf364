package io.condenser.bench;

import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.ModelProto;
import io.condenser.engine.TaskMonitor;
import io.condenser.engine.data.NumpyDataset;
import io.condenser.engine.eval.ComparisonReport;
import io.condenser.engine.eval.DatasetFeed;
import io.condenser.engine.eval.EvaluationSettings;
import io.condenser.engine.eval.ModelComparison;
import io.condenser.engine.eval.RuntimeSettings;
import io.condenser.engine.onnx.OnnxModelFiles;
import io.condenser.engine.quantize.StaticQuantizationOptions;
import io.condenser.engine.quantize.StaticQuantizedModel;
import io.condenser.engine.quantize.StaticQuantizer;
import io.condenser.engine.train.EpochReport;
import io.condenser.engine.train.GraphTraining;
import io.condenser.engine.train.OptimizerSettings;
import io.condenser.engine.train.QuantizationAwareTraining;
import io.condenser.engine.train.TrainingData;
import io.condenser.engine.train.TrainingLoop;
import io.condenser.engine.train.TrainingOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Quantization-aware training of LeNet-5 against post-training static quantization of the same model, both int8 QDQ
 * with per-channel weights, both measured in ONNX Runtime on the corpus' test split (PyTorch's eager QAT and PTQ
 * reached 97.21-97.26 % on it, bench/reference/torch_training_reference.py).
 */
final class QatBenchmark {

    private static final int CALIBRATION_SAMPLES = 256;
    private static final int CALIBRATION_BATCH = 32;

    private QatBenchmark() {
    }

    static void run() throws Exception {
        Path corpus = Path.of(System.getProperty("bench.corpus", "../shared/corpus"));
        Path modelFile = corpus.resolve("lenet5_mnist.onnx");
        if (!Files.isRegularFile(modelFile)) {
            System.out.println("QAT benchmark skipped: no corpus at " + corpus.toAbsolutePath()
                    + " (set -Dbench.corpus)");
            return;
        }
        ModelProto model = OnnxModelFiles.read(modelFile);
        StaticQuantizationOptions options = StaticQuantizationOptions.defaults();
        RuntimeSettings runtime = RuntimeSettings.cpu(2);
        Path trainFile = corpus.resolve("mnist_split_train.npz");
        Path directory = Files.createTempDirectory("condenser-qat-bench-");
        try (NumpyDataset train = NumpyDataset.open(trainFile, Long.MAX_VALUE)) {
            long start = System.nanoTime();
            StaticQuantizedModel ptq = new StaticQuantizer(runtime).quantize(model, options,
                    DatasetFeed.of(model, train).inputs(CALIBRATION_BATCH, CALIBRATION_SAMPLES), TaskMonitor.NONE);
            double ptqSeconds = (System.nanoTime() - start) / 1e9;

            TrainingOptions training = TrainingOptions.defaults().withEpochs(3)
                    .withOptimizer(OptimizerSettings.sgd(0.001, 0.9, 0));
            start = System.nanoTime();
            QuantizationAwareTraining.Prepared prepared = QuantizationAwareTraining.prepare(model, options, runtime,
                    DatasetFeed.of(model, train).inputs(CALIBRATION_BATCH, CALIBRATION_SAMPLES), TaskMonitor.NONE);
            GraphTraining.Trained trained = GraphTraining.train(prepared.model(),
                    prepared.fakeQuantization().options(), TrainingLoop.of(training), training,
                    new Shape(DatasetFeed.of(prepared.model(), train).sampleShape()), TrainingData.read(train),
                    TaskMonitor.NONE);
            StaticQuantizedModel qat = QuantizationAwareTraining.export(trained.model(), prepared, runtime,
                    DatasetFeed.of(prepared.model(), train).inputs(CALIBRATION_BATCH, CALIBRATION_SAMPLES),
                    TaskMonitor.NONE);
            double qatSeconds = (System.nanoTime() - start) / 1e9;

            Path ptqFile = OnnxModelFiles.write(ptq.model(), directory.resolve("ptq.onnx")).getFirst();
            Path qatFile = OnnxModelFiles.write(qat.model(), directory.resolve("qat.onnx")).getFirst();
            ComparisonReport onTest = new ModelComparison(runtime).compare(ptqFile, qatFile,
                    new EvaluationSettings(EvaluationSettings.ALL_SAMPLES, 256, 20, 5, Map.of(), 1)
                            .withDataset(corpus.resolve("mnist_split_test.npz"), null), TaskMonitor.NONE);

            System.out.printf("%nLeNet-5 int8 QDQ (per-channel weights, uint8 activations) on the test split, %d"
                    + " samples (PyTorch eager PTQ 97.21 %%, QAT 97.21-97.26 %%; fp32 97.26 %%)%n",
                    onTest.original().accuracy().samples());
            System.out.printf("    post-training static, %d calibration samples: %.2f %%, %,d bytes, %.2f s%n",
                    CALIBRATION_SAMPLES, 100 * onTest.original().accuracy().top1(), Files.size(ptqFile), ptqSeconds);
            System.out.printf("    quantization-aware, %d epochs SGD %.3g momentum 0.9: %.2f %%, %,d bytes, %.1f s"
                            + " (%d activation ranges, calibrated then trained)%n", training.epochs(),
                    training.optimizer().learningRate(), 100 * onTest.candidate().accuracy().top1(),
                    Files.size(qatFile), qatSeconds, prepared.fakeQuantization().observedRanges().size());
            for (EpochReport epoch : trained.result().epochs()) {
                System.out.printf("        epoch %d: %.1f s, train loss %.4f, train accuracy %.2f %%%n",
                        epoch.epoch(), epoch.seconds(), epoch.trainLoss(), 100 * epoch.trainAccuracy());
            }
        } finally {
            try (var files = Files.walk(directory)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }
}
