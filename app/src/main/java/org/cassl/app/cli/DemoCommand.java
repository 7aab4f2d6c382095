package org.cassl.app.cli;

import java.util.List;
import org.cassl.training.api.JobListener;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.cassl.detection.FcosConfig;
import org.cassl.app.demo.DemoPlan;
import org.cassl.app.demo.DemoRunner;
import org.cassl.training.UserInputException;
import org.cassl.training.pipeline.ResultsTable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cassl demo}: the main job: synthetic data, baseline vs CA-SSL, table, plots and report. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Generate the shapes dataset, train the baseline and CA-SSL (teacher, pseudo-labels, class-agnostic",
            "warmup, fine-tune), print the comparison and write results.json, plots/, detections/ and report.html.",
            "Every model is reported on the test split beside the compute-matched controls (labeled-only trained as long,",
            "class-agnostic warmup on the labeled data); choices are made on validation.",
            "--quick: one seed, baseline (= labeled-only as long as CA-SSL) vs CA-SSL; the full demo: two seeds, all five",
            "models, tau and unlabeled-amount ablations on the first.",
            "Rerunning on the same --out resumes."})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "One seed: baseline (also the compute-matched labeled-only control) and CA-SSL.")
    boolean quick;

    @Option(names = "--out", defaultValue = "demo-out", paramLabel = "DIR", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--seed", defaultValue = "0", description = "First training seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--mask-head", defaultValue = "none", paramLabel = "none|condinst|roi",
            converter = MaskHeadConverter.class,
            description = "Segmentation head trained with the detector; with one, the table shows mask AP beside box AP"
                    + " (default: ${DEFAULT-VALUE}).")
    FcosConfig.MaskHead maskHead;

    @Option(names = "--input-size", paramLabel = "PX",
            description = "Side the model resizes the demo's 128-px images to (default: 128, the images' own size). Larger"
                    + " names small objects' classes better and costs time: 128 / 192 / 256 gave 13.7 / 19.3 / 25.0 val AP"
                    + " (objects of 16-112 px, left-right flips only, 2026-12-07)"
                    + " for the baseline, and 192 takes the quick demo from about 12 to 20 minutes.")
    Integer inputSize;

    @Option(names = "--augment", paramLabel = "NAME",
            description = "Augmentation of every stage: none, standard (left-right flips, colour jitter) or dihedral (also"
                    + " top-bottom flips and transposes: the shapes have no 'up') (default: dihedral).")
    String augment;

    @Mixin
    ComputeOptions compute;

    /** Accepts the config file's names ({@code none}, {@code condinst}, {@code roi}). */
    static final class MaskHeadConverter implements CommandLine.ITypeConverter<FcosConfig.MaskHead> {
        @Override
        public FcosConfig.MaskHead convert(String value) {
            for (FcosConfig.MaskHead m : FcosConfig.MaskHead.values()) {
                if (m.jsonName().equals(value)) {
                    return m;
                }
            }
            throw new CommandLine.TypeConversionException("expected none, condinst or roi, got '" + value + "'");
        }
    }

    @Override
    public Integer call() {
        String device = compute.apply();
        DemoPlan chosen = (quick ? DemoPlan.quick() : DemoPlan.full()).withFirstSeed(seed).withMaskHead(maskHead);
        DemoPlan sized = inputSize == null ? chosen : chosen.withInputSize(inputSize);
        DemoPlan plan;
        try {
            plan = augment == null ? sized : sized.withAugmentation(augment);
        } catch (IllegalArgumentException e) {
            throw new UserInputException("--augment: " + e.getMessage());
        }
        Map<String, Object> results = new DemoRunner(plan, out, device, List.of(new ConsoleListener(), JobListener.progressBar())).run();
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Double>> means = new java.util.LinkedHashMap<>();
        results.forEach((k, v) -> {
            if (v instanceof Map<?, ?> m && m.containsKey("AP")) {
                means.put(k, (Map<String, Double>) m);
            }
        });
        System.out.println();
        System.out.print(ResultsTable.format(means));
        plan.partialSeedsNote().ifPresent(System.out::println);
        results.forEach((k, v) -> {
            if (k.endsWith("_vs_baseline") && v instanceof Map<?, ?> g) {
                System.out.printf(Locale.ROOT, "%s: AP %+.1f points (std %.1f over %d seed(s))%n", k.replace("_vs_baseline", ""),
                        100 * ((Number) g.get("AP_gain_mean")).doubleValue(), 100 * ((Number) g.get("AP_gain_std")).doubleValue(),
                        // a model the plan runs on some seeds only (class-aware: the first) is averaged over those
                        g.get("AP_gain_per_seed") instanceof List<?> l ? l.size() : plan.seeds().size());
            }
        });
        if (results.get("gain_over_controls") instanceof Map<?, ?> g) {
            double gain = ((Number) g.get("AP_gain_mean")).doubleValue();
            System.out.printf(Locale.ROOT, "gain (CA-SSL AP - best compute-matched control AP, test): %+.1f points%s%n",
                    100 * gain, gain > 0 ? "" : "  -> NO GAIN over the controls");
        }
        if (results.get("localisation_gain_over_controls") instanceof Map<?, ?> g) {
            System.out.printf(Locale.ROOT, "class-agnostic AP gain (localisation, whatever the class; same controls, test): "
                    + "%+.1f points%n", 100 * ((Number) g.get("AP_gain_mean")).doubleValue());
        }
        System.out.printf(Locale.ROOT, "report: %s (%.0f s)%n", out.resolve("report.html").toAbsolutePath(),
                ((Number) results.get("seconds")).doubleValue());
        return 0;
    }
}
