package org.cassl.app.demo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cassl.training.api.CaSslJob;

/**
 * Averages per-seed results into the demo's results.json: every model's test metrics (mean over
 * the seeds that ran it), the CA-SSL {@code gain} over the better compute-matched control and its
 * spread, the plain comparison with the baseline, the ablations and the plan.
 */
final class Aggregate {
    /** Model keys in the order of the tables. */
    static final List<String> ORDER = List.of("baseline", "baseline_long", "labeled_warmup", "class_aware", "ca_ssl");

    private Aggregate() {
    }

    static Map<String, Object> results(DemoPlan plan, Map<Long, Map<String, Map<String, Double>>> perSeed,
                                       Map<Long, Map<String, Map<String, Double>>> perSeedVal, Map<String, Object> ablations) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("evaluated_on", "test");
        out.putAll(meansOverSeeds(perSeed));
        List<Double> gains = gainsOverControls(perSeed, "AP");
        if (!gains.isEmpty()) {
            out.put("gain", mean(gains));
            out.put("gain_over_controls", spread(
                    "ca_ssl AP - max(baseline_long AP, labeled_warmup AP), test split, per seed then mean", gains));
        }
        List<Double> locGains = gainsOverControls(perSeed, "agnostic_AP");
        if (!locGains.isEmpty()) {
            out.put("localisation_gain_over_controls", spread("class-agnostic box AP (every class one object, "
                    + "class-agnostic NMS): ca_ssl - max(baseline_long, labeled_warmup), test split, per seed then mean; "
                    + "what the warmup improves whatever the classes", locGains));
        }
        for (String m : List.of("ca_ssl", "class_aware")) {
            List<Double> d = new ArrayList<>();
            for (Map<String, Map<String, Double>> r : perSeed.values()) {
                if (r.containsKey(m) && r.containsKey("baseline")) {
                    d.add(r.get(m).get("AP") - r.get("baseline").get("AP"));
                }
            }
            if (!d.isEmpty()) {
                Map<String, Object> g = new LinkedHashMap<>();
                g.put("AP_gain_mean", mean(d));
                g.put("AP_gain_std", std(d));
                g.put("AP_gain_per_seed", d);
                out.put(m + "_vs_baseline", g);
            }
        }
        Map<String, Object> val = new LinkedHashMap<>(meansOverSeeds(perSeedVal));
        out.put("val", val);
        Map<String, Object> seeds = new LinkedHashMap<>();
        perSeed.forEach((s, r) -> seeds.put(Long.toString(s), r));
        out.put("per_seed", seeds);
        if (!ablations.isEmpty()) {
            out.put("ablations", ablations);
        }
        out.put("plan", plan(plan));
        return out;
    }

    /** Per seed, CA-SSL's {@code metric} minus the better compute-matched control's (seeds without one left out). */
    private static List<Double> gainsOverControls(Map<Long, Map<String, Map<String, Double>>> perSeed, String metric) {
        List<Double> gains = new ArrayList<>();
        for (Map<String, Map<String, Double>> r : perSeed.values()) {
            Double g = CaSslJob.gain(r, metric);
            if (g != null) {
                gains.add(g);
            }
        }
        return gains;
    }

    /** {@code definition}, mean, standard deviation and the per-seed values of a list of gains. */
    private static Map<String, Object> spread(String definition, List<Double> gains) {
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("definition", definition);
        g.put("AP_gain_mean", mean(gains));
        g.put("AP_gain_std", std(gains));
        g.put("AP_gain_per_seed", gains);
        return g;
    }

    static Map<String, Object> plan(DemoPlan plan) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("mode", plan.name());
        p.put("labeled", plan.labeled());
        p.put("unlabeled", plan.unlabeled());
        p.put("val", plan.val());
        p.put("test", plan.test());
        p.put("image_size", plan.imageSize());
        p.put("model_input_size", plan.model().maxSize());
        p.put("data_seed", plan.dataSeed());
        p.put("data", plan.difficulty());
        p.put("teacher_iters_L", plan.teacherIters());
        p.put("warmup_iters_W", plan.warmupIters());
        p.put("finetune_iters_F", plan.finetuneIters());
        p.put("baseline_long_iters", plan.warmupIters() + plan.finetuneIters());
        p.put("batch", plan.batch());
        p.put("lr", plan.lr());
        p.put("schedule", plan.schedule() + " after a linear warmup of min(" + plan.lrWarmup() + ", iterations / 5)");
        p.put("optimizer", plan.optimizer());
        p.put("weight_decay", plan.weightDecay());
        p.put("ema_decay", plan.emaDecay());
        p.put("ema", plan.emaDecay() > 0 ? "every stage; evaluations, the teacher and the final models are the averaged weights"
                : "off");
        p.put("augmentation", plan.augmentation());
        p.put("tau", plan.tau());
        p.put("seeds", plan.seeds());
        p.put("fpn_levels", plan.model().fpnLevels());
        p.put("size_ranges", plan.model().sizeRanges());
        p.put("controls", plan.labeledWarmupControl() ? List.of("baseline_long", "labeled_warmup") : List.of("baseline_long"));
        p.put("choices", "made on val (tau ablation; W/F and tau of the plan chosen on val in bench/demo-experiments.md); every reported number on test");
        return p;
    }

    /** Mean metrics per model over the seeds that ran it, in table order. */
    static Map<String, Map<String, Double>> meansOverSeeds(Map<Long, Map<String, Map<String, Double>>> perSeed) {
        List<String> models = new ArrayList<>();
        for (Map<String, Map<String, Double>> r : perSeed.values()) {
            for (String m : r.keySet()) {
                if (!models.contains(m)) {
                    models.add(m);
                }
            }
        }
        models.sort((a, b) -> Integer.compare(rank(a), rank(b)));
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        for (String m : models) {
            Map<String, Double> mean = new LinkedHashMap<>();
            Map<String, Integer> count = new LinkedHashMap<>();
            for (Map<String, Map<String, Double>> r : perSeed.values()) {
                Map<String, Double> v = r.get(m);
                if (v == null) {
                    continue;
                }
                v.forEach((k, x) -> {
                    mean.merge(k, x, Double::sum);
                    count.merge(k, 1, Integer::sum);
                });
            }
            mean.replaceAll((k, x) -> x / count.get(k));
            out.put(m, mean);
        }
        return out;
    }

    private static int rank(String model) {
        int i = ORDER.indexOf(model);
        return i < 0 ? ORDER.size() : i;
    }

    private static double mean(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static double std(List<Double> xs) {
        if (xs.size() < 2) {
            return 0.0;
        }
        double m = mean(xs);
        return Math.sqrt(xs.stream().mapToDouble(x -> (x - m) * (x - m)).sum() / (xs.size() - 1));
    }

    /** The models' mean metrics only (for the table). */
    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Double>> means(Map<String, Object> results) {
        Map<String, Map<String, Double>> m = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : results.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> map && map.containsKey("AP")) {
                m.put(e.getKey(), (Map<String, Double>) map);
            }
        }
        return m;
    }
}
