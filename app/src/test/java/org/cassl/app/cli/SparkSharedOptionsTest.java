package org.cassl.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code cassl spark train|pseudo-label|ca-ssl} take the options of the one-machine commands from
 * the same mixins: every option of {@code cassl X} but the process's compute options and the batch
 * (per replica on Spark) exists under {@code cassl spark X} with the same description and default.
 */
class SparkSharedOptionsTest {
    static final Set<String> OWN = Set.of("--device", "--threads", "--batch", "--help", "--version");

    static Map<String, OptionSpec> options(CommandLine cl) {
        Map<String, OptionSpec> m = new TreeMap<>();
        for (OptionSpec o : cl.getCommandSpec().options()) {
            m.put(o.longestName(), o);
        }
        return m;
    }

    @Test
    void sparkCommandsShareTheOneMachineOptions() {
        CommandLine root = Main.commandLine();
        CommandLine spark = root.getSubcommands().get("spark");
        for (String cmd : new String[] {"train", "pseudo-label", "ca-ssl"}) {
            Map<String, OptionSpec> local = options(root.getSubcommands().get(cmd));
            Map<String, OptionSpec> remote = options(spark.getSubcommands().get(cmd));
            assertTrue(local.size() > 8, cmd + ": " + local.keySet());
            for (Map.Entry<String, OptionSpec> e : local.entrySet()) {
                if (OWN.contains(e.getKey())) {
                    continue;
                }
                OptionSpec r = remote.get(e.getKey());
                assertTrue(r != null, "cassl spark " + cmd + " lacks " + e.getKey());
                assertEquals(String.join(" ", e.getValue().description()), String.join(" ", r.description()), cmd + " " + e.getKey());
                assertEquals(e.getValue().defaultValueString(), r.defaultValueString(), cmd + " " + e.getKey());
                assertEquals(e.getValue().required(), r.required(), cmd + " " + e.getKey());
            }
            assertTrue(remote.containsKey("--master") && remote.containsKey("--batch"), cmd + ": " + remote.keySet());
        }
    }

    @Test
    void sparkCaSslHelpAndBadInput() {
        CliBadInputTest.Run help = CliBadInputTest.run("spark", "ca-ssl", "--help");
        assertEquals(0, help.code(), help.err());
        // a missing required option: one line, exit 2
        CliBadInputTest.Run r = CliBadInputTest.run("spark", "ca-ssl", "--labeled", "a.json");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("Missing required option"), r.err());
    }
}
