package org.cassl.spark;

import java.util.HashMap;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/**
 * The device a task computes on. {@code auto} takes the first GPU address Spark's resource
 * scheduling assigned to the task ({@code spark.task.resource.gpu.amount}, the executor's
 * discovery script), as {@code cuda:<address>}, and the CPU when the task got none; any other
 * name ({@code cpu}, {@code cuda:N}) is used as given.
 */
public final class ExecutorDevice {
    private ExecutorDevice() {
    }

    /** The device for the running task (or the driver, where there is no task: then "auto" is the CPU). */
    public static String current(String requested) {
        if (!"auto".equals(requested)) {
            return requested;
        }
        TaskContext tc = TaskContext.get();
        Map<String, String[]> resources = new HashMap<>();
        if (tc != null) {
            scala.collection.Iterator<scala.Tuple2<String, ResourceInformation>> it = tc.resources().iterator();
            while (it.hasNext()) {
                scala.Tuple2<String, ResourceInformation> e = it.next();
                resources.put(e._1(), e._2().addresses());
            }
        }
        return choose(requested, resources);
    }

    /**
     * The choice itself, from a task's resources (name to addresses, as {@code TaskContext.resources()}).
     *
     * @param requested "auto", "cpu" or "cuda:N"
     * @param resources the task's resources
     * @return the device name
     */
    static String choose(String requested, Map<String, String[]> resources) {
        if (!"auto".equals(requested)) {
            return requested;
        }
        String[] gpus = resources.get("gpu");
        if (gpus != null && gpus.length > 0) {
            String a = gpus[0].strip();
            if (!a.matches("\\d+")) {
                throw new IllegalArgumentException("Spark assigned GPU address \"" + a + "\", not a CUDA device number");
            }
            return "cuda:" + a;
        }
        return "cpu";
    }
}
