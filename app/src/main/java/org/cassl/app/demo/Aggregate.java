package org.cassl.app.demo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Averages per-seed results into the demo's results.json, with the spread of the CA-SSL gain. */
final class Aggregate {
    private Aggregate() {
    }

    static Map<String, Object> results(DemoPlan plan, Map<Long, Map<String, Map<String, Double>>> perSeed) {
        Map<String, Object> out = new LinkedHashMap<>();
        List<String> models = new ArrayList<>();
        for (Map<String, Map<String, Double>> r : perSeed.values()) {
            for (String m : r.keySet()) {
                if (!models.contains(m)) {
                    models.add(m);
                }
            }
        }
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
        for (String m : models) {
            if (m.equals("baseline")) {
                continue;
            }
            List<Double> gains = new ArrayList<>();
            for (Map<String, Map<String, Double>> r : perSeed.values()) {
                if (r.containsKey(m) && r.containsKey("baseline")) {
                    gains.add(r.get(m).get("AP") - r.get("baseline").get("AP"));
                }
            }
            if (!gains.isEmpty()) {
                Map<String, Object> g = new LinkedHashMap<>();
                double mean = gains.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
                double var = gains.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum() / Math.max(1, gains.size() - 1);
                g.put("AP_gain_mean", mean);
                g.put("AP_gain_std", gains.size() > 1 ? Math.sqrt(var) : 0.0);
                g.put("AP_gain_per_seed", gains);
                out.put(m + "_vs_baseline", g);
            }
        }
        Map<String, Object> seeds = new LinkedHashMap<>();
        perSeed.forEach((s, r) -> seeds.put(Long.toString(s), r));
        out.put("per_seed", seeds);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("mode", plan.name());
        p.put("labeled", plan.labeled());
        p.put("unlabeled", plan.unlabeled());
        p.put("val", plan.val());
        p.put("image_size", plan.imageSize());
        p.put("stage_iters", plan.stageIters());
        p.put("warmup_iters", plan.warmupIters());
        p.put("batch", plan.batch());
        p.put("lr", plan.lr());
        p.put("tau", plan.tau());
        p.put("seeds", plan.seeds());
        out.put("plan", p);
        return out;
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
