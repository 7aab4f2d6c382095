package org.cassl.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cassl info}: Java, CPU features, threads, Vector API width, CUDA devices and libraries. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show the Java runtime, CPU features, threads, Vector API width and GPU backends found.")
final class InfoCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> info = SystemInfo.collect();
        if (json) {
            System.out.println(new ObjectMapper().writeValueAsString(info));
            return 0;
        }
        for (Map.Entry<String, Object> e : info.entrySet()) {
            if (e.getValue() instanceof List<?> l) {
                for (int i = 0; i < l.size(); i++) {
                    System.out.printf("%-20s %s%n", i == 0 ? e.getKey() : "", l.get(i));
                }
            } else {
                System.out.printf("%-20s %s%n", e.getKey(), e.getValue());
            }
        }
        return 0;
    }
}
