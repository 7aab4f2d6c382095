package org.cassl.autograd;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.cassl.detection.FcosConfig;
import org.cassl.detection.Target;
import org.cassl.detection.fcos.Fcos;
import org.cassl.nn.Parameter;
import org.cassl.tensor.DType;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.io.SafeTensors;
import org.junit.jupiter.api.Test;

/**
 * Diagnostic, not part of the suite (runs only with {@code -Dprobe.dir=DIR}, passed through
 * {@code -Dsurefire.jvm=...}): bisects float32 gradient error op by op. Runs one FCOS training
 * step in float32 and in float64 on the same weights ({@code DIR/config.json},
 * {@code DIR/weights.safetensors}, or a random model for {@code -Dprobe.config=FILE}) and inputs
 * ({@code DIR/inputs.safetensors}: image0, boxes0, labels0, ...), walks both tapes in the same
 * order and, per node, feeds the float64 upstream gradient to the float32 node: "local" is that
 * node's own relative L2 error, "accumulated-out" the error of the real float32 upstream gradient.
 * ReLU nodes with a large local error list the entries whose mask differs. Made with
 * {@code tools/golden/gen_fcos_grads.py --out DIR}.
 */
@org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "probe.dir", matches = ".+")
class NodeProbeTest {
    static Variable total(Fcos m, DType dt, Map<String, Tensor> in) {
        List<Tensor> ims = new ArrayList<>();
        List<Target> ts = new ArrayList<>();
        for (int i = 0; in.containsKey("image" + i); i++) {
            ims.add(in.get("image" + i).to(dt));
            ts.add(new Target(in.get("boxes" + i).to(dt), in.get("labels" + i)));
        }
        Map<String, Variable> l = m.losses(ims, ts, null);
        System.out.println(dt + " losses " + l.get("classification").item() + " " + l.get("bbox_regression").item() + " " + l.get("bbox_ctrness").item());
        return l.get("classification").add(l.get("bbox_regression")).add(l.get("bbox_ctrness"));
    }

    static double rel(Tensor a, Tensor b) {
        Tensor d = a.to(DType.F64).sub(b.to(DType.F64));
        double den = Math.sqrt(b.to(DType.F64).pow(2).sum().item());
        return Math.sqrt(d.pow(2).sum().item()) / Math.max(den, 1e-300);
    }

    @Test
    void probe() {
        String dir = System.getProperty("probe.dir", "/tmp/fcosgrads");
        String cj = System.getProperty("probe.config") == null ? null : readString(Path.of(System.getProperty("probe.config")));
        FcosConfig cfg = FcosConfig.parse(cj != null ? cj : readString(Path.of(dir, "config.json")));
        Map<String, Tensor> in = SafeTensors.read(Path.of(System.getProperty("probe.dir", "/tmp/fcosgrads"), "inputs.safetensors"));
        Fcos m32 = Fcos.forLoading(cfg);
        if (cj != null) {
            new Fcos(cfg, new org.cassl.tensor.Generator(3)).saveWeights(Path.of("/tmp/probe-w.safetensors"));
            dir = "/tmp";
        }
        String wfile = cj != null ? "/tmp/probe-w.safetensors" : dir + "/weights.safetensors";
        m32.loadWeights(Path.of(wfile));
        m32.train(true);
        Fcos m64 = Fcos.forLoading(cfg);
        m64.loadWeights(Path.of(wfile));
        for (Parameter p : m64.namedParameters().values()) p.replace(p.data().to(DType.F64));
        for (org.cassl.nn.Buffer b : m64.namedBuffers().values()) if (b.tensor().dtype() == DType.F32) b.set(b.tensor().to(DType.F64));
        m64.train(true);
        Variable t32 = total(m32, DType.F32, in);
        Variable t64 = total(m64, DType.F64, in);
        List<Variable> o32 = Tape.topologicalOrder(t32);
        List<Variable> o64 = Tape.topologicalOrder(t64);
        System.out.println("nodes " + o32.size() + " " + o64.size());
        Map<Variable, Integer> idx32 = new IdentityHashMap<>();
        Map<Variable, Integer> idx64 = new IdentityHashMap<>();
        for (int i = 0; i < o32.size(); i++) { idx32.put(o32.get(i), i); idx64.put(o64.get(i), i); }
        Tensor[] g64 = new Tensor[o64.size()];
        Tensor[] g32 = new Tensor[o32.size()];
        g64[o64.size() - 1] = Tensor.ones(DType.F64);
        g32[o32.size() - 1] = Tensor.ones(DType.F32);
        double threshold = Double.parseDouble(System.getProperty("probe.local", "2e-6"));
        try (GradMode.Scope s = GradMode.off()) {
            for (int i = o64.size() - 1; i >= 0; i--) {
                Variable v64 = o64.get(i);
                Variable v32 = o32.get(i);
                Node n64 = v64.gradFn();
                Node n32 = v32.gradFn();
                if (g64[i] == null) continue;
                String name = n64 == null ? "leaf" : n64.op();
                double accum = rel(g32[i], g64[i]);
                if (n64 == null) {
                    System.out.printf("%5d %-22s %s accumulated %.3e%n", i, name, java.util.Arrays.toString(v64.shape()), accum);
                    continue;
                }
                if (!n64.op().equals(n32.op())) throw new IllegalStateException(i + " " + n64.op() + " vs " + n32.op());
                Variable[] ins64 = n64.inputs();
                Variable[] ins32 = n32.inputs();
                boolean[] needs = new boolean[ins64.length];
                for (int k = 0; k < ins64.length; k++) needs[k] = ins64[k] != null && ins64[k].requiresGrad();
                Tensor[] r64 = n64.apply(g64[i], needs);
                Tensor[] local = n32.apply(g64[i].to(DType.F32), needs);
                Tensor[] r32 = n32.apply(g32[i], needs);
                for (int k = 0; k < ins64.length; k++) {
                    if (!needs[k] || r64[k] == null) continue;
                    double le = rel(local[k], r64[k]);
                    double nrm = Math.sqrt(r64[k].pow(2).sum().item());
                    if (le > threshold || Boolean.getBoolean("probe.all")) {
                        System.out.printf("%5d %-22s in%d %s local %.3e  accumulated-out %.3e  |g| %.3e%n", i, name, k,
                                java.util.Arrays.toString(ins64[k].shape()), le, accum, nrm);
                    }
                    if (name.equals("relu") && le > 1e-4) {
                        Tensor a = local[k].to(DType.F64);
                        Tensor b = r64[k];
                        Tensor diff = a.eq(0).ne(b.eq(0));
                        System.out.printf("      relu mask differs at %d of %d elements%n", (long) diff.to(DType.F64).sum().item(), a.numel());
                        double[] av = a.reshape(-1).toDoubleArray();
                        double[] bv = b.reshape(-1).toDoubleArray();
                        int shown = 0;
                        int[] sh = a.shape();
                        for (int e = 0; e < av.length && shown < 12; e++) {
                            if ((av[e] == 0) != (bv[e] == 0)) {
                                int w = sh[3], h = sh[2], c = sh[1];
                                System.out.printf("        n%d c%d y%d x%d f32 %.3e f64 %.3e%n", e / (c * h * w), (e / (h * w)) % c, (e / w) % h, e % w, av[e], bv[e]);
                                shown++;
                            }
                        }
                    }
                    int j = idx64.get(ins64[k]);
                    if (idx32.get(ins32[k]) != j) throw new IllegalStateException("order mismatch at " + i);
                    g64[j] = g64[j] == null ? r64[k] : g64[j].add(r64[k]);
                    Tensor r = r32[k].to(DType.F32);
                    g32[j] = g32[j] == null ? r : g32[j].add(r);
                }
                g64[i] = null;
                g32[i] = null;
            }
        }
    }

    static String readString(Path p) {
        try { return java.nio.file.Files.readString(p); } catch (java.io.IOException e) { throw new RuntimeException(e); }
    }
}
