package org.cassl.nn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.stream.Stream;
import org.cassl.nn.Parameter;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.TensorException;
import org.cassl.tensor.testing.Golden;
import org.cassl.tensor.testing.TensorAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** LR schedules against torch.optim.lr_scheduler and gradient clipping against clip_grad_norm_. */
class ScheduleAndClipTest {
    static Stream<Golden.Case> schedules() {
        return Golden.load("nn_optim").cases("sched/").stream();
    }

    static Stream<Golden.Case> clips() {
        return Golden.load("nn_optim").cases("clip/").stream();
    }

    static LrSchedule schedule(String name) {
        return switch (name) {
            case "sched/linear_warmup" -> LrSchedule.linearWarmup(0.001, 10);
            case "sched/multistep" -> LrSchedule.multiStep(new int[] {5, 12}, 0.1);
            case "sched/step" -> LrSchedule.stepDecay(3, 0.5);
            case "sched/cosine" -> LrSchedule.cosine(10, 0.001);
            case "sched/sequential" -> LrSchedule.sequential(
                    List.of(LrSchedule.linearWarmup(0.01, 5), LrSchedule.cosine(10, 0)), new int[] {5});
            case "sched/chained" -> LrSchedule.linearWarmup(0.001, 5).times(LrSchedule.multiStep(new int[] {8, 12}, 0.1));
            default -> throw new IllegalArgumentException(name);
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("schedules")
    void schedulerFollowsTorch(Golden.Case c) {
        double[] want = c.get("lrs").toDoubleArray();
        Parameter p = new Parameter(Tensor.zeros(1));
        Sgd opt = new Sgd(List.of(p), c.doubleParam("base_lr"), 0, 0);
        LrScheduler sched = new LrScheduler(opt, schedule(c.name()));
        for (int t = 0; t < want.length; t++) {
            if (t > 0) {
                opt.step();
                sched.step();
            }
            assertEquals(want[t], sched.lastLr(0), 1e-12 + 1e-9 * want[t], c + " step " + t);
        }
        LrScheduler resumed = new LrScheduler(new Sgd(List.of(new Parameter(Tensor.zeros(1))), 0.1, 0, 0),
                schedule(c.name()));
        resumed.loadStateDict(sched.stateDict());
        assertEquals(want[want.length - 1], resumed.lastLr(0), 1e-12 + 1e-9 * want[want.length - 1]);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clips")
    void clipGradNormMatchesTorch(Golden.Case c) {
        Parameter p1 = new Parameter(Tensor.zeros(3, 4));
        Parameter p2 = new Parameter(Tensor.zeros(5));
        Parameter none = new Parameter(Tensor.zeros(2));
        p1.setGrad(c.get("g1").copy());
        p2.setGrad(c.get("g2").copy());
        String nt = c.params().get("norm_type").asText();
        double normType = nt.equals("inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(nt);
        double total = GradClip.clipGradNorm(List.of(p1, none, p2), c.doubleParam("max_norm"), normType);
        assertEquals(c.get("total").item(), total, 1e-5 * total);
        TensorAssert.assertClose(c.get("out1"), p1.grad(), 1e-5, 1e-7, "clipped g1");
        TensorAssert.assertClose(c.get("out2"), p2.grad(), 1e-5, 1e-7, "clipped g2");
    }

    @Test
    void badScheduleArguments() {
        assertThrows(TensorException.class, () -> LrSchedule.linearWarmup(0, 5));
        assertThrows(TensorException.class, () -> LrSchedule.cosine(0, 0));
        assertThrows(TensorException.class, () -> LrSchedule.sequential(List.of(LrSchedule.constant()), new int[] {3}));
        assertEquals(0.0, GradClip.clipGradNorm(List.of(new Parameter(Tensor.zeros(2))), 1.0));
    }
}
