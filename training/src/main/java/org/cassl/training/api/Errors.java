package org.cassl.training.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Supplier;
import org.cassl.detection.ConfigException;
import org.cassl.detection.coco.CocoFormatException;
import org.cassl.nn.StateDictException;
import org.cassl.tensor.BackendUnavailableException;
import org.cassl.tensor.io.SafeTensorsException;
import org.cassl.training.UserInputException;
import org.cassl.training.data.ImageReadException;
import org.cassl.training.model.BackboneWeights;
import org.cassl.training.trainer.TrainingFailedException;

/** Translation of the internals' exceptions into the API's documented ones. */
final class Errors {
    private Errors() {
    }

    /** Loading a model: user-input problems are the model's. */
    static <T> T loading(Supplier<T> body) {
        try {
            return body.get();
        } catch (UserInputException | ConfigException | StateDictException | SafeTensorsException
                 | BackendUnavailableException | UncheckedIOException e) {
            throw new ModelLoadException(e.getMessage(), e);
        }
    }

    /** Anything else: user-input problems are the data's. */
    static RuntimeException translate(RuntimeException e) {
        if (e instanceof CasslException || e instanceof IllegalStateException || e instanceof NullPointerException) {
            return e;
        }
        if (e instanceof ImageReadException) {
            return new ImageException(e.getMessage(), e);
        }
        if (e instanceof TrainingFailedException) {
            return new TrainingException(e.getMessage(), e);
        }
        if (e instanceof BackboneWeights.BackboneWeightsException || e instanceof ConfigException
                || e instanceof StateDictException || e instanceof SafeTensorsException
                || e instanceof BackendUnavailableException) {
            return new ModelLoadException(e.getMessage(), e);
        }
        if (e instanceof UserInputException || e instanceof CocoFormatException || e instanceof UncheckedIOException) {
            return new DataException(e.getMessage(), e);
        }
        return e;
    }

    static DataException io(String what, IOException e) {
        return new DataException(what + ": " + e.getMessage(), e);
    }
}
