package org.cassl.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.cassl.training.compute.Devices;
import org.cassl.training.model.ModelFiles;
import org.cassl.autograd.Variable;
import org.cassl.detection.FcosConfig;
import org.cassl.detection.Target;
import org.cassl.detection.coco.CocoReader;
import org.cassl.detection.fcos.Fcos;
import org.cassl.nn.Parameter;
import org.cassl.tensor.Device;
import org.cassl.tensor.Generator;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.io.SafeTensors;
import org.cassl.training.data.DatasetRoot;
import org.cassl.training.data.Augmentation;
import org.cassl.training.data.CocoTrainDataset;
import org.cassl.training.data.DetectionSample;
import org.cassl.training.data.LabelMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cassl loss}: one training-mode forward and backward, for parity checks against torchvision. */
@Command(name = "loss", mixinStandardHelpOptions = true,
        description = {"One training-mode forward and backward over all images of an annotation file (one batch, in file",
            "order, no augmentation). Prints one JSON line {\"classification\", \"bbox_regression\", \"bbox_ctrness\", \"total\"}",
            "and optionally writes every parameter's gradient under torchvision's names."})
final class LossCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "C.json", description = "Model config JSON.")
    Path config;

    @Option(names = "--weights", required = true, paramLabel = "W", description = "Model weights (safetensors, or a PyTorch .pth/.pt checkpoint).")
    Path weights;

    @Option(names = "--ann", required = true, paramLabel = "A.json", description = "COCO annotation file.")
    Path ann;

    @Option(names = "--images", required = true, paramLabel = "DIR", description = "Image folder.")
    Path images;

    @Option(names = "--grads", paramLabel = "G.safetensors", description = "Write the parameter gradients here.")
    Path grads;

    @Mixin
    ComputeOptions compute;

    @Override
    public Integer call() throws Exception {
        Device device = Devices.resolve(compute.apply());
        FcosConfig cfg = ModelFiles.config(config);
        CocoTrainDataset ds = new CocoTrainDataset(CocoReader.read(ann), new DatasetRoot(images), LabelMode.CATEGORY_ID,
                cfg.maskHead() != FcosConfig.MaskHead.NONE, Augmentation.NONE, cfg.numClasses());
        Fcos model = ModelFiles.load(cfg, weights, device);
        model.train(true);
        List<Tensor> ims = new ArrayList<>();
        List<Target> targets = new ArrayList<>();
        Generator rng = new Generator(0);
        for (int i = 0; i < ds.size(); i++) {
            DetectionSample s = ds.get(i, rng);
            ims.add(s.image().to(device));
            Target t = s.target();
            targets.add(new Target(t.boxes().to(device), t.labels().to(device), t.masks() == null ? null : t.masks().to(device)));
        }
        Map<String, Variable> losses = model.losses(ims, targets, rng);
        Variable total = null;
        Map<String, Object> line = new LinkedHashMap<>();
        for (Map.Entry<String, Variable> e : losses.entrySet()) {
            line.put(e.getKey(), e.getValue().item());
            total = total == null ? e.getValue() : total.add(e.getValue());
        }
        line.put("total", total == null ? 0.0 : total.item());
        if (total != null && total.requiresGrad()) {
            total.backward();
        }
        if (grads != null) {
            Map<String, Tensor> g = new LinkedHashMap<>();
            for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
                if (e.getValue().grad() != null) {
                    g.put(e.getKey(), e.getValue().grad().to(Device.CPU));
                }
            }
            SafeTensors.write(grads, g);
        }
        System.out.println(new ObjectMapper().writeValueAsString(line));
        return 0;
    }
}
