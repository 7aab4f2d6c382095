package org.cassl.app.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.io.WeightFiles;
import org.cassl.training.UserInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code cassl convert}: a PyTorch checkpoint to safetensors, without Python. */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = {"Convert a PyTorch checkpoint (torch.save's zip format: .pth, .pt, .bin) to safetensors, without Python.",
            "The pickle is read by an allow-list reader that builds only tensors and containers (the promise of",
            "torch.load(weights_only=True)); anything else is refused with its name. A {\"model\": ...} or",
            "{\"state_dict\": ...} wrapper is unwrapped; float16/bfloat16 become float32."})
final class ConvertCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IN.pth", description = "The PyTorch checkpoint.")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT.safetensors", description = "The safetensors file to write.")
    Path out;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(in)) {
            throw new UserInputException("checkpoint not found: " + in);
        }
        WeightFiles.convert(in, out);
        Map<String, Tensor> t = WeightFiles.read(out);
        long values = 0;
        for (Tensor x : t.values()) {
            values += x.numel();
        }
        System.err.println("cassl convert: " + t.size() + " tensors, " + values + " values -> " + out);
        return 0;
    }
}
