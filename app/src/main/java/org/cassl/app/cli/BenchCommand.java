package org.cassl.app.cli;

import java.util.concurrent.Callable;
import org.cassl.bench.ConvBench;
import org.cassl.bench.DetectBench;
import org.cassl.bench.DetectMemoryBench;
import org.cassl.bench.FcosStepBench;
import org.cassl.bench.GemmBench;
import org.cassl.bench.NmsBench;
import org.cassl.bench.Result;
import org.cassl.detection.FcosConfig;
import org.cassl.app.serve.ServeBench;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cassl bench NAME ...}: end-to-end benchmarks with the PyTorch peer side by side. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmarks. With PyTorch/numpy installed for /usr/bin/python3 the peer runs side by side in the",
            "same invocation (same shape, same thread count) and the ratio is printed (speedup_over_peer > 1: we are faster)."},
        subcommands = {BenchCommand.Gemm.class, BenchCommand.Conv.class, BenchCommand.Nms.class, BenchCommand.FcosStep.class, BenchCommand.Detect.class,
            BenchCommand.DetectMemory.class, BenchCommand.Serve.class, org.cassl.spark.cli.SparkPseudoLabelBenchCommand.class,
            CommandLine.HelpCommand.class})
public final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options every benchmark has. */
    static class Common {
        @Option(names = "--threads", defaultValue = "2", description = "Threads for us and the peer (default: ${DEFAULT-VALUE}).")
        int threads;

        @Option(names = "--reps", defaultValue = "5", description = "Timed repetitions (default: ${DEFAULT-VALUE}).")
        int reps;

        @Option(names = "--warmup", defaultValue = "2", description = "Minimum warm-up repetitions (default: ${DEFAULT-VALUE}).")
        int warmup;

        @Option(names = "--no-peer", description = "Skip the PyTorch/numpy peer.")
        boolean noPeer;

        @Option(names = "--json", description = "Print one JSON line (median_ms, gflops, peer_median_ms, speedup_over_peer, ...).")
        boolean json;

        Integer print(Result r) {
            System.out.println(json ? r.toJson() : r.toString());
            return 0;
        }

        void check() {
            if (threads < 1 || reps < 1 || warmup < 0) {
                throw new IllegalArgumentException("--threads and --reps must be positive and --warmup non-negative");
            }
        }
    }

    @Command(name = "gemm", mixinStandardHelpOptions = true, description = "float32 N x N x N matrix product (peer: numpy/OpenBLAS).")
    static final class Gemm extends Common implements Callable<Integer> {
        @Option(names = "--size", defaultValue = "1024", description = "N (default: ${DEFAULT-VALUE}).")
        int size;

        @Override
        public Integer call() {
            check();
            return print(GemmBench.run(size, threads, warmup, reps, !noPeer));
        }
    }

    @Command(name = "conv", mixinStandardHelpOptions = true,
            description = "float32 k x k convolution, stride 1, same padding (peer: PyTorch/oneDNN).")
    static final class Conv extends Common implements Callable<Integer> {
        @Option(names = "--batch", defaultValue = "2", description = "B (default: ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--in-channels", defaultValue = "256", description = "C (default: ${DEFAULT-VALUE}).")
        int inChannels;

        @Option(names = "--out-channels", defaultValue = "256", description = "K; must equal C (default: ${DEFAULT-VALUE}).")
        int outChannels;

        @Option(names = "--size", defaultValue = "64", description = "S, square input (default: ${DEFAULT-VALUE}).")
        int size;

        @Option(names = "--kernel", defaultValue = "3", description = "k, odd (default: ${DEFAULT-VALUE}).")
        int kernel;

        @Option(names = "--backward", description = "Time forward plus both backward passes.")
        boolean backward;

        @Override
        public Integer call() {
            check();
            if (inChannels != outChannels) {
                throw new IllegalArgumentException("conv bench: --in-channels and --out-channels must be equal, got "
                        + inChannels + " and " + outChannels);
            }
            return print(ConvBench.run(batch, inChannels, size, kernel, backward ? ConvBench.Mode.FORWARD_BACKWARD
                    : ConvBench.Mode.FORWARD, threads, warmup, reps, !noPeer));
        }
    }

    @Command(name = "nms", mixinStandardHelpOptions = true, description = "Greedy NMS on random boxes (peer: torchvision.ops.nms).")
    static final class Nms extends Common implements Callable<Integer> {
        @Option(names = "--boxes", defaultValue = "100000", description = "N (default: ${DEFAULT-VALUE}).")
        int boxes;

        @Option(names = "--iou", defaultValue = "0.5", description = "IoU threshold (default: ${DEFAULT-VALUE}).")
        double iou;

        @Override
        public Integer call() {
            check();
            return print(NmsBench.run(boxes, iou, threads, warmup, reps, !noPeer));
        }
    }

    @Command(name = "fcos-step", mixinStandardHelpOptions = true,
            description = "One FCOS training step: forward, backward, SGD or AdamW update (peer: torchvision FCOS).")
    static final class FcosStep extends Common implements Callable<Integer> {
        @Option(names = "--backbone", defaultValue = "resnet18", description = "resnet18|resnet34|resnet50 (default: ${DEFAULT-VALUE}).")
        String backbone;

        @Option(names = "--batch", defaultValue = "2", description = "Images per step (default: ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--size", defaultValue = "320", description = "min_size and image height (default: ${DEFAULT-VALUE}).")
        int size;

        @Option(names = "--max-size", paramLabel = "M",
                description = "max_size and image width (default: --size); torchvision's real setting is --size 800 --max-size 1333.")
        Integer maxSize;

        @Option(names = "--fpn-channels", defaultValue = "256", description = "FPN width (default: ${DEFAULT-VALUE}).")
        int fpnChannels;

        @Option(names = "--num-classes", defaultValue = "91", description = "Classes incl. background (default: ${DEFAULT-VALUE}).")
        int numClasses;

        @Option(names = "--profile", description = "Also report time per phase and the methods with the most JFR samples.")
        boolean profile;

        @Option(names = "--mask-head", defaultValue = "none", paramLabel = "none|roi|condinst",
                converter = DemoCommand.MaskHeadConverter.class,
                description = {"Train a mask head too, on synthetic masks (ellipses in the boxes) (default: ${DEFAULT-VALUE}).",
                    "With roi or condinst: no peer (torchvision has no FCOS mask head); the same run times our box-only",
                    "step in alternation with it and prints ratio_to_box_only; --profile profiles the mask step."})
        FcosConfig.MaskHead maskHead;

        @Option(names = "--boxes", defaultValue = "4", paramLabel = "N",
                description = {"Ground-truth boxes per image (default: ${DEFAULT-VALUE}). A model at its start detects nothing",
                    "above the score threshold, so with --mask-head roi these are the training RoIs (at most 64 per image)."})
        int boxes;

        @Option(names = "--optimizer", defaultValue = "sgd", paramLabel = "sgd|adamw",
                description = {"The update of the step, here and in the peer (default: ${DEFAULT-VALUE}): sgd (momentum 0.9,",
                    "weight decay 1e-4) or adamw (PyTorch's betas and eps, weight decay 0.05: the demo's optimizer)."})
        String optimizer;

        @Override
        public Integer call() {
            check();
            return print(FcosStepBench.run(new FcosStepBench.Setup(backbone, batch, size, maxSize == null ? size : maxSize,
                    fpnChannels, numClasses, boxes, maskHead, optimizer), threads, warmup, reps, !noPeer, profile));
        }
    }

    @Command(name = "detect", mixinStandardHelpOptions = true,
            description = {"Inference throughput of Detector (eval mode, random weights) on N random S x M images,",
                "with images/s, the median batch time and peak RSS (peer: torchvision's FCOS, same configuration)."})
    static final class Detect extends Common implements Callable<Integer> {
        @Option(names = "--backbone", defaultValue = "resnet18", description = "resnet18|resnet34|resnet50 (default: ${DEFAULT-VALUE}).")
        String backbone;

        @Option(names = "--batch", defaultValue = "1", description = "Images per call (default: ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--size", defaultValue = "320", description = "min_size and image height (default: ${DEFAULT-VALUE}).")
        int size;

        @Option(names = "--max-size", description = "max_size and image width (default: --size).")
        Integer maxSize;

        @Option(names = "--fpn-channels", defaultValue = "256", description = "FPN channels (default: ${DEFAULT-VALUE}).")
        int fpnChannels;

        @Option(names = "--num-classes", defaultValue = "91", description = "Classes incl. background (default: ${DEFAULT-VALUE}).")
        int numClasses;

        @Override
        public Integer call() {
            check();
            return print(DetectBench.run(backbone, size, maxSize == null ? size : maxSize, batch, fpnChannels, numClasses,
                    threads, warmup, reps, !noPeer));
        }
    }

    @Command(name = "detect-memory", mixinStandardHelpOptions = true,
            description = {"Heap after GC, direct/mapped buffers and native memory (NMT committed with",
                "CASSL_JAVA_OPTS=-XX:NativeMemoryTracking=summary, else RSS) over many detect calls on one Detector",
                "(ResNet-18 FCOS, random weights), sampled during the calls and after close."})
    static final class DetectMemory implements Callable<Integer> {
        @Option(names = "--calls", defaultValue = "1000", description = "Detect calls in all (default: ${DEFAULT-VALUE}).")
        int calls;

        @Option(names = "--size", defaultValue = "96", description = "Image side (default: ${DEFAULT-VALUE}).")
        int size;

        @Option(names = "--threads", defaultValue = "2", description = "Caller threads sharing the detector (default: ${DEFAULT-VALUE}).")
        int threads;

        @Option(names = "--samples", defaultValue = "10", description = "Samples during the calls (default: ${DEFAULT-VALUE}).")
        int samples;

        @Override
        public Integer call() throws Exception {
            System.out.print(DetectMemoryBench.run(calls, size, threads, samples).table());
            return 0;
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = {"The HTTP service (cassl serve's DetectionServer on an ephemeral 127.0.0.1 port, random-weight",
                "FCOS) under C concurrent clients each posting the same S x S PNG N times: requests/s, p50/p99 latency,",
                "and beside it the same model called directly (Detector.detect on the decoded image) from C threads;",
                "overhead = direct calls/s over requests/s (HTTP, PNG decoding and JSON).",
                "--soak R: instead send R requests from the largest client count and sample heap after GC, direct",
                "buffers and native memory (NMT committed with CASSL_JAVA_OPTS=-XX:NativeMemoryTracking=summary,",
                "else RSS) every --every requests."})
    static final class Serve implements Callable<Integer> {
        @Option(names = "--clients", split = ",", defaultValue = "1,4,16", paramLabel = "C[,C...]",
                description = "Concurrent client counts (default: ${DEFAULT-VALUE}).")
        int[] clients;

        @Option(names = "--requests", defaultValue = "20", paramLabel = "N", description = "Requests per client (default: ${DEFAULT-VALUE}).")
        int requests;

        @Option(names = "--size", defaultValue = "320", paramLabel = "S",
                description = "PNG side and the model's min/max size (default: ${DEFAULT-VALUE}).")
        int size;

        @Option(names = "--threads", defaultValue = "2", paramLabel = "T",
                description = "Server detections at once and CPU pool threads (default: ${DEFAULT-VALUE}).")
        int threads;

        @Option(names = "--backbone", defaultValue = "resnet18", description = "resnet18|resnet34|resnet50 (default: ${DEFAULT-VALUE}).")
        String backbone;

        @Option(names = "--fpn-channels", defaultValue = "256", description = "FPN channels (default: ${DEFAULT-VALUE}).")
        int fpnChannels;

        @Option(names = "--num-classes", defaultValue = "91", description = "Classes incl. background (default: ${DEFAULT-VALUE}).")
        int numClasses;

        @Option(names = "--warmup", defaultValue = "4", description = "Untimed requests and direct calls first (default: ${DEFAULT-VALUE}).")
        int warmup;

        @Option(names = "--soak", defaultValue = "0", paramLabel = "R", description = "Memory over R requests instead (see above).")
        int soak;

        @Option(names = "--every", defaultValue = "1000", paramLabel = "K", description = "--soak: sample every K requests (default: ${DEFAULT-VALUE}).")
        int every;

        @Option(names = "--json", description = "One JSON line per client count.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            ServeBench.Setup setup = new ServeBench.Setup(backbone, size, fpnChannels, numClasses, threads, requests, warmup);
            if (soak > 0) {
                int c = java.util.Arrays.stream(clients).max().orElse(1);
                System.out.println("serve soak: " + soak + " requests from " + c + " clients, " + setup.shape() + ", "
                        + threads + " thread(s)");
                System.out.print(ServeBench.soak(setup, c, soak, every, s -> { }).table());
                return 0;
            }
            if (!json) {
                System.out.println("serve: " + setup.shape() + ", " + threads + " thread(s), " + requests + " request(s) per client");
                System.out.println(ServeBench.header());
            }
            ServeBench.run(setup, clients, r -> {
                System.out.println(json ? r.toJson(setup) : ServeBench.line(r));
                System.out.flush();
            });
            return 0;
        }
    }
}
